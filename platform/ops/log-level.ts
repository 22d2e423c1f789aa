import type { EventBus, Unsubscribe } from '../events/bus.js';
import type { Logger } from '../logger.js';

/**
 * Operators (the agents' raise_log_level action, for one) change a service's log level for a
 * while through this live topic. Every process of that service applies it to its own logger
 * and goes back on its own timer, so a raised level never outlives its duration even when the
 * sender dies.
 */
export const LOG_LEVEL_TOPIC = 'ops.log-level';

export const RAISABLE_LEVELS = ['debug', 'trace'] as const;
export type RaisableLevel = (typeof RAISABLE_LEVELS)[number];

export interface LogLevelCommand {
  service: string;
  /** null restores the level the process started with. */
  level: RaisableLevel | null;
  /** Epoch ms when the raised level ends by itself. */
  until: number | null;
}

export interface LogLevelListener {
  /** The level currently in force in this process. */
  current(): string;
  apply(command: LogLevelCommand): void;
  stop(): void;
}

/** Applies commands addressed to `service` to `logger`; anything else on the topic is ignored. */
export function listenForLogLevel(
  bus: EventBus | undefined,
  service: string,
  logger: Logger,
  now: () => number = Date.now,
): LogLevelListener {
  const baseLevel = logger.level;
  let timer: NodeJS.Timeout | undefined;
  const restore = () => {
    clearTimeout(timer);
    timer = undefined;
    logger.level = baseLevel;
  };
  const apply = (command: LogLevelCommand) => {
    if (command?.service !== service) return;
    if (command.level === null || !RAISABLE_LEVELS.includes(command.level)) return restore();
    const remaining = command.until === null ? null : command.until - now();
    if (remaining !== null && remaining <= 0) return restore();
    clearTimeout(timer);
    logger.level = command.level;
    logger.warn({ level: command.level, until: command.until }, 'log level raised for a while');
    // The cap keeps a malformed `until` from pinning a verbose level for days.
    if (remaining !== null) timer = setTimeout(restore, Math.min(remaining, 24 * 3_600_000)).unref();
  };
  const unsubscribe: Unsubscribe | undefined = bus?.subscribe<LogLevelCommand>(LOG_LEVEL_TOPIC, apply);
  return {
    current: () => logger.level,
    apply,
    stop() {
      unsubscribe?.();
      restore();
    },
  };
}
