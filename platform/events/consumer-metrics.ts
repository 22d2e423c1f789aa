import { Counter, type Registry } from 'prom-client';

/**
 * What a service's stream consumers report on its /metrics. One per service, passed to each of
 * its `consume` calls (`ConsumeOptions.metrics`) and registered with the service's registry, so
 * the figures show on the /metrics of the service that consumes, whichever process it shares.
 */
export class StreamConsumerMetrics {
  readonly deadLettered = new Counter({
    name: 'events_dead_lettered_total',
    help: 'Events a consumer group moved to <stream>.dead-letter instead of handling them, by reason',
    labelNames: ['stream', 'group', 'reason'],
    registers: [],
  });

  register(registry: Registry): void {
    registry.registerMetric(this.deadLettered);
  }
}
