import type { Clock } from '../clock.js';

export type CircuitState = 'closed' | 'open' | 'half_open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long it stays open before one probe call is let through. */
  cooldownMs: number;
}

export interface CircuitSnapshot {
  state: CircuitState;
  consecutiveFailures: number;
  openedAt: number | null;
  /** How many times it has opened since start; a flapping provider shows here. */
  timesOpened: number;
}

/**
 * closed → (threshold consecutive failures) → open → (cooldown) → half-open, where a
 * single probe decides: success closes, failure re-opens for another cooldown.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | null = null;
  private probeInFlight = false;
  private opened = 0;

  constructor(
    private readonly options: CircuitBreakerOptions,
    private readonly clock: Clock,
  ) {
    if (!(options.failureThreshold >= 1) || !(options.cooldownMs >= 0)) {
      throw new RangeError('circuit breaker needs failureThreshold >= 1 and cooldownMs >= 0');
    }
  }

  get state(): CircuitState {
    if (this.openedAt === null) return 'closed';
    return this.clock.now() - this.openedAt >= this.options.cooldownMs ? 'half_open' : 'open';
  }

  /** Whether a call may go out now. In half-open only one caller gets through. */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.probeInFlight) return false;
    this.probeInFlight = true;
    return true;
  }

  recordSuccess(): void {
    this.failures = 0;
    this.openedAt = null;
    this.probeInFlight = false;
  }

  recordFailure(): void {
    this.failures++;
    const probeFailed = this.probeInFlight;
    this.probeInFlight = false;
    if (probeFailed || (this.openedAt === null && this.failures >= this.options.failureThreshold)) {
      this.openedAt = this.clock.now();
      this.opened++;
    }
  }

  /** For a call that says nothing about the provider's health (e.g. our own bad request). */
  release(): void {
    this.probeInFlight = false;
  }

  snapshot(): CircuitSnapshot {
    return { state: this.state, consecutiveFailures: this.failures, openedAt: this.openedAt, timesOpened: this.opened };
  }
}
