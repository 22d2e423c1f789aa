import { Counter, type Registry } from 'prom-client';

export const createRateLimitMetrics = (registry: Registry) => ({
  refused: new Counter({
    name: 'gateway_rate_limited_total',
    help: 'Operations refused with RATE_LIMITED, by the rule they were over',
    labelNames: ['rule'],
    registers: [registry],
  }),
});
