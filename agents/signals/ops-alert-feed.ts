import type { StreamConsumerMetrics } from '../../platform/events/consumer-metrics.js';
import type { EventBus, StreamConsumer } from '../../platform/events/bus.js';
import { OPS_ALERTS_STREAM, opsAlertSchema } from '../../platform/events/ops-alerts.js';
import type { Logger } from '../../platform/logger.js';
import type { Clock } from '../clock.js';
import type { OpsAlertStore } from './ops-alert.store.js';

/**
 * Reads the platform's ops alerts (events dead-lettered by any consumer, ...) in the `agents`
 * group: each reaches one agents instance, at least once, and is recorded idempotently. A new
 * one wakes the loop, whose next tick sees it in `ops_alerts_last_hour` (the `ops_alerts` trigger).
 */
export function consumeOpsAlerts(deps: {
  bus: EventBus;
  alerts: OpsAlertStore;
  consumer: string;
  clock: Clock;
  logger: Logger;
  metrics: StreamConsumerMetrics;
  wake: () => void;
}): StreamConsumer {
  return deps.bus.consume(
    OPS_ALERTS_STREAM,
    'agents',
    deps.consumer,
    async ({ payload }) => {
      if (!(await deps.alerts.record(payload, new Date(deps.clock.now())))) return;
      const { kind, severity, stream, group, eventId, reason } = payload;
      deps.logger.warn({ kind, severity, stream, group, eventId, reason }, 'agents: ops alert received');
      deps.wake();
    },
    { schema: opsAlertSchema, metrics: deps.metrics },
  );
}
