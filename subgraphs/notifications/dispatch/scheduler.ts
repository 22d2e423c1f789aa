import type { Logger } from '../../../platform/logger.js';
import type { Dispatcher } from './dispatcher.js';
import type { ScheduleStore } from './schedule.store.js';

/** Dispatches scheduled notifications (booking reminders) when they fall due; polls with the delivery worker's period. */
export class Scheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly store: ScheduleStore,
    private readonly dispatcher: Dispatcher,
    private readonly pollMs: number,
    private readonly logger: Logger,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.runOnce(), this.pollMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  runOnce(): Promise<void> {
    if (this.running) return this.running;
    this.running = (async () => {
      try {
        for (
          let entry = await this.store.claim(this.clock(), 60_000);
          entry;
          entry = await this.store.claim(this.clock(), 60_000)
        ) {
          await this.dispatcher.dispatch(entry.request);
          await this.store.done(entry);
        }
      } catch (err) {
        this.logger.error({ err }, 'scheduled notifications pass failed');
      }
    })().finally(() => (this.running = undefined));
    return this.running;
  }
}
