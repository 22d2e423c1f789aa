import { Counter, Gauge, type Registry } from 'prom-client';
import type { HasherStats } from './password-hasher.js';

/**
 * Sign-ins and password hashing on the identity subgraph's /metrics: how many checks ran and
 * how many the throttle refused (a brute force shows up here), and whether hashing keeps up.
 */
export class LoginMetrics {
  readonly logins = new Counter({
    name: 'identity_logins_total',
    help: 'Sign-in attempts by outcome: success, bad_credentials (a password was checked), locked, slowed or contended (refused unchecked)',
    labelNames: ['outcome'],
    registers: [],
  });
  readonly hashesRefused = new Counter({
    name: 'identity_password_hashes_refused_total',
    help: 'Registrations and sign-ins refused with RATE_LIMITED because the password hash queue was full',
    registers: [],
  });
  private readonly hashes = new Gauge({
    name: 'identity_password_hashes',
    help: 'Password hashes running, and waiting for a turn',
    labelNames: ['state'],
    registers: [],
    collect: () => {
      const stats = this.stats();
      this.hashes.set({ state: 'running' }, stats.running);
      this.hashes.set({ state: 'waiting' }, stats.waiting);
    },
  });

  constructor(private readonly stats: () => HasherStats) {}

  register(registry: Registry): void {
    registry.registerMetric(this.logins);
    registry.registerMetric(this.hashesRefused);
    registry.registerMetric(this.hashes);
  }
}
