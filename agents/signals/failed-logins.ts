import {
  countInWindow,
  createSlidingWindow,
  recordEvents,
  type SlidingWindowState,
} from '../triggers/sliding-window.js';

/**
 * Failed logins in the last minute, as identity reports them on the bus. Every agents
 * instance hears every event, so the leader's count is complete; a new leader starts empty,
 * which at worst delays a burst by one window.
 */
export class FailedLoginWindow {
  private window: SlidingWindowState = createSlidingWindow(60_000, 60);

  record(at: number): void {
    this.window = recordEvents(this.window, at, 1);
  }

  perMinute(now: number): number {
    return countInWindow(this.window, now);
  }
}
