import type { Logger } from '../logger.js';

/**
 * `logger.child(bindings)`, made the first time it is used. Every request gets a child logger,
 * and pino builds a child by serialising (and redacting) its bindings: about 1 % of a busy
 * subgraph's CPU for requests that almost never log. The child, once made, answers every
 * property and method; its lines are the same as an eagerly made child's.
 */
export function lazyChildLogger(logger: Logger, bindings: Record<string, unknown>): Logger {
  let child: Logger | undefined;
  const real = () => (child ??= logger.child(bindings));
  return new Proxy({} as Logger, {
    get(_target, property) {
      const target = real();
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
    set(_target, property, value) {
      return Reflect.set(real(), property, value);
    },
    has(_target, property) {
      return Reflect.has(real(), property);
    },
  });
}
