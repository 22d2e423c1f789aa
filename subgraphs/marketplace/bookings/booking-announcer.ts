import type { Logger } from '../../../platform/logger.js';
import type { BookingEvents } from './booking-events.js';
import type { BookingStore } from './booking.store.js';

export interface BookingAnnouncerSettings {
  intervalMs: number;
  /** A change unannounced this long is appended again (its own request had the first try). */
  graceMs: number;
  /** Bookings read per pass; the next pass takes the rest. */
  batchSize?: number;
}

export const DEFAULT_BOOKING_ANNOUNCER_SETTINGS: BookingAnnouncerSettings = { intervalMs: 15_000, graceMs: 10_000 };

/**
 * Re-sends `marketplace.booking.changed` for booking changes the bus refused when they were made
 * (the `announceDue` outbox). Every instance runs it: each booking is taken with a conditional
 * update before its append (BookingStore.takeAnnouncement), so two instances do not both send it;
 * one that takes it and then fails leaves it due again one grace later.
 */
export class BookingAnnouncer {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly bookings: Pick<BookingStore, 'unannounced' | 'takeAnnouncement'>,
    private readonly events: Pick<BookingEvents, 'announce'>,
    private readonly logger: Logger,
    private readonly settings: BookingAnnouncerSettings = DEFAULT_BOOKING_ANNOUNCER_SETTINGS,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.runOnce(), this.settings.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass; a pass already running is joined, not doubled. Errors are logged and the next pass tries again. */
  runOnce(): Promise<void> {
    this.running ??= this.pass()
      .catch((err) => this.logger.warn({ err }, 'booking changes not re-sent; the next pass tries again'))
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<void> {
    const now = this.clock();
    const due = await this.bookings.unannounced(
      new Date(now.getTime() - this.settings.graceMs),
      this.settings.batchSize ?? 100,
    );
    for (const doc of due) {
      const taken = await this.bookings.takeAnnouncement(doc, now);
      if (!taken) continue; // another instance has it, or the booking changed and its own request announces it
      await this.events.announce(taken);
    }
  }
}
