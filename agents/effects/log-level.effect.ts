import type { EventBus } from '../../platform/events/bus.js';
import { LOG_LEVEL_TOPIC, type LogLevelCommand } from '../../platform/ops/log-level.js';
import type { ActionParameters } from '../actions/catalogue.js';
import type { SERVICES } from '../actions/parameters.js';
import type { ActiveEffectStore } from './active-effect.store.js';
import { outside, type Effect, type EffectContext } from './effect.js';

/** Services that listen for log-level commands (platform/ops/log-level.ts). */
export const LISTENING_SERVICES: Array<(typeof SERVICES)[number]> = ['agents', 'gateway'];

export function restoreLogLevel(bus: EventBus, service: string): Promise<void> {
  return bus.publish<LogLevelCommand>(LOG_LEVEL_TOPIC, { service, level: null, until: null });
}

/** Raises services' log level for a while; each process goes back on its own timer too. */
export function logLevelEffect(bus: EventBus, effects: ActiveEffectStore): Effect<'raise_log_level'> {
  return {
    action: 'raise_log_level',
    targets: async () => ({ services: [...LISTENING_SERVICES] }),
    async refuse({ services }: ActionParameters<'raise_log_level'>) {
      const foreign = outside(services, LISTENING_SERVICES);
      return foreign.length ? `services without a log-level listener: ${foreign.join(', ')}` : null;
    },
    async apply({ services, level, durationMinutes }, { decisionId, now }: EffectContext) {
      const until = now.getTime() + durationMinutes * 60_000;
      for (const service of services) {
        await effects.add({
          decisionId,
          action: 'raise_log_level',
          kind: 'log_level',
          target: service,
          value: level,
          appliedAt: now,
          expiresAt: new Date(until),
        });
        await bus.publish<LogLevelCommand>(LOG_LEVEL_TOPIC, { service, level, until });
      }
      return { summary: `${services.join(', ')} logging at ${level} for ${durationMinutes} min`, success: true };
    },
    async revert({ decisionId, now }: EffectContext) {
      const undone: string[] = [];
      for (const effect of await effects.forDecision(decisionId)) {
        if (await effects.markReverted(effect._id, 'rollback', now)) {
          await restoreLogLevel(bus, effect.target);
          undone.push(effect.target);
        }
      }
      return undone.length ? `${undone.join(', ')} logging back to normal` : 'nothing left to undo';
    },
  };
}
