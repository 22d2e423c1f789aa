import type { ContainerType, NonEmptyArray } from 'type-graphql';

type Constructor = new (...args: any[]) => object;

/** Names in `D` whose value can be passed where a `T` is expected. */
type NamesOf<D, T> = { [K in keyof D]-?: D[K] extends T ? K : never }[keyof D] & string;

/** One name per constructor parameter, each naming a dependency of the parameter's type. */
type Needs<D, P extends readonly unknown[]> = { [I in keyof P]: NamesOf<D, P[I]> };

/** A resolver class and the dependencies its constructor takes, by name, in order. */
export interface ResolverRegistration<D> {
  readonly resolver: Constructor;
  readonly needs: readonly (keyof D & string)[];
}

/**
 * Registers a subgraph's resolvers once, each with what it is constructed from:
 * `const resolver = resolverRegistry<Deps>(); [resolver(LoginResolver, 'auth'), ...]`.
 * The schema's resolver classes and the container's instances both come from that list,
 * and the names are type-checked against the constructor's parameters.
 */
export const resolverRegistry =
  <D>() =>
  <C extends Constructor>(resolver: C, ...needs: Needs<D, ConstructorParameters<C>>): ResolverRegistration<D> => ({
    resolver,
    needs: needs as readonly (keyof D & string)[],
  });

/**
 * Constructs every registered resolver now, at start-up. A dependency that is not supplied
 * (absent or undefined) stops here, naming the resolver and the dependency, rather than on
 * the first request that reaches the resolver.
 */
export function instantiateResolvers<D>(registrations: readonly ResolverRegistration<D>[], deps: D) {
  const instances = new Map<Constructor, object>();
  for (const { resolver, needs } of registrations) {
    const args = needs.map((need) => {
      const value = (deps as Record<string, unknown>)[need];
      if (value === undefined) {
        throw new Error(`${resolver.name} needs the dependency "${need}", which was not supplied`);
      }
      return value;
    });
    instances.set(resolver, new resolver(...args));
  }
  return instances;
}

/**
 * type-graphql's `resolvers` and `container` from one registration list. Without `deps` the
 * schema is only for printing (composition): no container, nothing constructed.
 */
export function resolverOptions<D>(
  registrations: readonly ResolverRegistration<D>[],
  deps?: D,
): { resolvers: NonEmptyArray<Constructor>; container?: ContainerType } {
  const resolvers = registrations.map((r) => r.resolver) as NonEmptyArray<Constructor>;
  if (deps === undefined) return { resolvers };
  const instances = instantiateResolvers(registrations, deps);
  return { resolvers, container: { get: (cls) => instances.get(cls) } };
}
