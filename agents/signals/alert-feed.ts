import type { EventBus, StreamConsumer } from '../../platform/events/bus.js';
import type { StreamConsumerMetrics } from '../../platform/events/consumer-metrics.js';
import type { Logger } from '../../platform/logger.js';
import type { Clock } from '../clock.js';
import type { GoalService } from '../goals/goal.service.js';
import { HEALTH_ALERTS, healthAlertEventSchema } from '../../subgraphs/health/contract.js';
import type { SeenAlertStore } from './seen-alert.store.js';

/**
 * Reads the health alert stream in the `agents` consumer group: each event reaches one agents
 * instance, at least once, and is applied idempotently. A critical alert wakes the loop.
 */
export function consumeHealthAlerts(deps: {
  bus: EventBus;
  alerts: SeenAlertStore;
  goals: GoalService;
  consumer: string;
  clock: Clock;
  logger: Logger;
  metrics?: StreamConsumerMetrics;
  wake: () => void;
}): StreamConsumer {
  return deps.bus.consume(
    HEALTH_ALERTS,
    'agents',
    deps.consumer,
    async ({ payload }) => {
      const changed = await deps.alerts.record(payload, new Date(deps.clock.now()));
      if (!changed) return;
      await deps.goals.setLive('critical_alerts_open', 'HEALTH', await deps.alerts.countOpenCritical());
      if (payload.severity === 'CRITICAL' && payload.status === 'OPEN') {
        deps.logger.info({ alertId: payload.id, vehicleId: payload.vehicleId }, 'agents: critical alert received');
        deps.wake();
      }
    },
    // An event that breaks health's contract is dead-lettered (and raised as an ops alert).
    { schema: healthAlertEventSchema, ...(deps.metrics ? { metrics: deps.metrics } : {}) },
  );
}
