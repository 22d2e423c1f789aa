import { Counter, Gauge, type Registry } from 'prom-client';

export interface SubscriptionGaugeValues {
  upstreams: number;
  groups: number;
  subscribers: number;
  connections: number;
}

export function createSubscriptionMetrics(registry: Registry) {
  let read: () => SubscriptionGaugeValues = () => ({ upstreams: 0, groups: 0, subscribers: 0, connections: 0 });
  new Gauge({
    name: 'gateway_subscriptions',
    help: 'Live federated subscriptions: subscribers, deduplicated groups, upstream subscriptions, subgraph sockets',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      const values = read();
      for (const [kind, value] of Object.entries(values)) this.set({ kind }, value);
    },
  });
  return {
    dropped: new Counter({
      name: 'gateway_subscription_events_dropped_total',
      help: 'Events dropped because a subscriber was not reading (its queue was full)',
      registers: [registry],
    }),
    delivered: new Counter({
      name: 'gateway_subscription_events_delivered_total',
      help: 'Events queued to subscribers',
      registers: [registry],
    }),
    observe(fn: () => SubscriptionGaugeValues) {
      read = fn;
    },
  };
}
