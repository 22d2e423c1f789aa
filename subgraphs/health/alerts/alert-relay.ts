import type { Logger } from '../../../platform/logger.js';
import type { AlertEvents } from './alert-events.js';
import type { AlertOutboxStore } from './alert-outbox.store.js';

export interface AlertRelayOptions {
  /** How often unsent alert events are looked for (default 5 s). */
  intervalMs?: number;
  /** Entries younger than this are left to the writer still sending them (default 5 s). */
  graceMs?: number;
  /** Entries sent per pass, oldest first (default 200). */
  batch?: number;
  /** Sent entries are kept this long, for replays to find (default 1 day). */
  keepMs?: number;
}

const DEFAULTS: Required<AlertRelayOptions> = {
  intervalMs: 5_000,
  graceMs: 5_000,
  batch: 200,
  keepMs: 86_400_000,
};
/** Sent entries only wait to be pruned: once an hour is plenty. */
const PRUNE_EVERY_MS = 3_600_000;

/**
 * Sends alert events the bus could not take when they happened. Runs in every consuming
 * instance; two relays may send the same entry, which subscribers already tolerate (events
 * are at-least-once). A pass stops at the first failure: the bus is still down.
 */
export class AlertRelay {
  private readonly options: Required<AlertRelayOptions>;
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  private prunedAt = 0;

  constructor(
    private readonly outbox: AlertOutboxStore,
    private readonly events: AlertEvents,
    private readonly logger: Logger,
    options: AlertRelayOptions = {},
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.runOnce(), this.options.intervalMs);
    this.timer.unref();
  }

  /** One pass; resolves to the number of events sent. Errors are logged, and the next pass retries. */
  runOnce(): Promise<number> {
    this.running ??= this.pass()
      .catch((err: unknown) => {
        this.logger.error({ err }, 'alert relay pass failed');
        return 0;
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private async pass(): Promise<number> {
    const now = this.clock().getTime();
    const due = await this.outbox.unpublished(new Date(now - this.options.graceMs), this.options.batch);
    let sent = 0;
    for (const entry of due) {
      if (!(await this.events.send(entry, 'relay'))) break;
      sent++;
    }
    if (sent > 0) this.logger.info({ sent, due: due.length }, 'alert relay sent delayed alert events');
    if (now - this.prunedAt >= PRUNE_EVERY_MS) {
      this.prunedAt = now;
      await this.outbox.deletePublishedBefore(new Date(now - this.options.keepMs));
    }
    return sent;
  }
}
