import { Counter, Gauge, type Registry } from 'prom-client';
import type { RuleFactors } from './operation-rate-limiter.js';
import { RULE_SCOPES, type RuleName } from './rules.js';

export const createRateLimitMetrics = (registry: Registry, factors: RuleFactors) => ({
  refused: new Counter({
    name: 'gateway_rate_limited_total',
    help: 'Operations refused with RATE_LIMITED, by the rule they were over (auth-failures: credentials refused)',
    labelNames: ['rule'],
    registers: [registry],
  }),
  authFailures: new Counter({
    name: 'gateway_auth_failures_total',
    help: 'Requests and connections whose credentials did not verify (counted per client IP against RATE_LIMIT_AUTH_FAILURES_PER_MINUTE)',
    registers: [registry],
  }),
  factor: new Gauge({
    name: 'gateway_rate_limit_factor',
    help: "The factor in force on each rule's limit (1 unless an override tightens or relaxes it)",
    labelNames: ['rule'],
    registers: [registry],
    collect() {
      for (const rule of Object.keys(RULE_SCOPES) as RuleName[]) this.set({ rule }, factors(rule));
    },
  }),
});
