import type { Logger } from '../../platform/logger.js';

export interface RefusalLogOptions {
  /** Each key's first refusal in a window is logged; the rest are counted into the window's summary. */
  windowMs?: number;
  /** Distinct keys logged per window, so a flood from many addresses stays bounded too. */
  maxKeysPerWindow?: number;
  now?: () => number;
}

/**
 * Samples rate-limit refusals for the logs: a flood is one line per key per window plus one
 * summary line, not one line per refused request (the metric still counts every refusal).
 * Memory is bounded by `maxKeysPerWindow`.
 */
export class RefusalLog {
  private readonly windowMs: number;
  private readonly maxKeys: number;
  private readonly now: () => number;
  private windowStart: number;
  private readonly logged = new Set<string>();
  private suppressed = 0;
  private readonly suppressedByRule = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly logger: Logger,
    options: RefusalLogOptions = {},
  ) {
    this.windowMs = options.windowMs ?? 60_000;
    this.maxKeys = options.maxKeysPerWindow ?? 100;
    this.now = options.now ?? Date.now;
    this.windowStart = this.now();
    // The summary also comes out when the flood has stopped and no refusal rolls the window.
    this.timer = setInterval(() => this.roll(), this.windowMs).unref();
  }

  /** One refusal of `key` (never a secret: a rule and an IP or caller id). */
  refused(logger: Logger, key: string, fields: { rule: string } & Record<string, unknown>, message: string): void {
    if (this.now() - this.windowStart >= this.windowMs) this.roll();
    const sampleKey = `${fields.rule}|${key}`;
    if (this.logged.has(sampleKey) || this.logged.size >= this.maxKeys) {
      this.suppressed++;
      this.suppressedByRule.set(fields.rule, (this.suppressedByRule.get(fields.rule) ?? 0) + 1);
      return;
    }
    this.logged.add(sampleKey);
    logger.info({ ...fields, sampled: `first refusal of this key in ${this.windowMs / 1000} s` }, message);
  }

  /** Ends the window: logs how many refusals were not logged one by one, then starts afresh. */
  roll(): void {
    if (this.suppressed > 0) {
      this.logger.info(
        {
          suppressed: this.suppressed,
          byRule: Object.fromEntries(this.suppressedByRule),
          keysLogged: this.logged.size,
          windowSeconds: Math.round((this.now() - this.windowStart) / 1000),
        },
        'rate-limit refusals not logged one by one (see gateway_rate_limited_total)',
      );
    }
    this.logged.clear();
    this.suppressed = 0;
    this.suppressedByRule.clear();
    this.windowStart = this.now();
  }

  close(): void {
    clearInterval(this.timer);
    this.roll();
  }
}
