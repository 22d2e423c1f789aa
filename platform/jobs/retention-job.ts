import type { Logger } from '../logger.js';

export interface RetentionTask {
  name: string;
  /** Deletes what is older than `cutoff`; returns how many documents went. */
  deleteOlderThan(cutoff: Date): Promise<number>;
  /** How long this kind of data is kept. */
  maxAgeMs: number;
}

/**
 * Deletes old data every `intervalMs` (a periodic job, since TTL indexes are outside the subset
 * of MongoDB that FerretDB serves too). A run that overlaps the previous one is skipped.
 */
export class RetentionJob {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly tasks: readonly RetentionTask[],
    private readonly intervalMs: number,
    private readonly logger: Logger,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.runOnce(), this.intervalMs);
    this.timer.unref();
    void this.runOnce();
  }

  /** One pass over every task; errors are logged, and the next pass tries again. */
  runOnce(): Promise<void> {
    if (this.running) return this.running;
    this.running = (async () => {
      const now = this.clock().getTime();
      for (const task of this.tasks) {
        try {
          const deleted = await task.deleteOlderThan(new Date(now - task.maxAgeMs));
          if (deleted > 0) this.logger.info({ task: task.name, deleted }, 'retention: old data deleted');
        } catch (err) {
          this.logger.error({ err, task: task.name }, 'retention pass failed');
        }
      }
    })().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Stops the timer and waits for a pass in progress, so the database can close after it. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
