import type { EventBus, StreamConsumer } from '../../platform/events/bus.js';
import type { StreamConsumerMetrics } from '../../platform/events/consumer-metrics.js';
import type { Logger } from '../../platform/logger.js';
import type { Clock } from '../clock.js';
import type { GoalService } from '../goals/goal.service.js';
import { HEALTH_ALERTS_STREAM, type AlertStore, type HealthAlertEvent } from './alert.store.js';

/**
 * Reads the health alert stream in the `agents` consumer group: each event reaches one agents
 * instance, at least once, and is applied idempotently. A critical alert wakes the loop.
 */
export function consumeHealthAlerts(deps: {
  bus: EventBus;
  alerts: AlertStore;
  goals: GoalService;
  consumer: string;
  clock: Clock;
  logger: Logger;
  metrics?: StreamConsumerMetrics;
  wake: () => void;
}): StreamConsumer {
  return deps.bus.consume<HealthAlertEvent>(
    HEALTH_ALERTS_STREAM,
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
    deps.metrics ? { metrics: deps.metrics } : undefined,
  );
}
