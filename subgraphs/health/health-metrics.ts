import { Counter, type Registry } from 'prom-client';

/**
 * What the health pipeline did, for the subgraph's /metrics: whether events are being folded
 * in (and how many fail and come back), and whether alert changes reach the bus or wait for
 * the relay. Created with the subgraph, registered when it is served.
 */
export class HealthMetrics {
  readonly inputs = new Counter({
    name: 'health_inputs_total',
    help: 'Telemetry events, services, acknowledgements and commands folded into vehicle health, by outcome',
    labelNames: ['outcome'],
    registers: [],
  });
  readonly alertEvents = new Counter({
    name: 'health_alert_events_total',
    help: 'Alert changes sent to the bus (direct or by the relay), or refused by it and left for the relay',
    labelNames: ['status', 'delivery'],
    registers: [],
  });

  register(registry: Registry): void {
    registry.registerMetric(this.inputs);
    registry.registerMetric(this.alertEvents);
  }
}
