/** setTimeout holds at most 2^31-1 ms (~24.8 days); a longer delay would fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Calls `onExpire` once, when the moment last scheduled arrives. Rescheduling replaces the
 * previous moment (a refreshed credential); a moment already past fires on the next tick.
 * The timer never keeps the process alive.
 */
export class ExpiryTimer {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly onExpire: () => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** `undefined`: the credential does not expire by itself. */
  schedule(expiresAt: number | undefined): void {
    this.cancel();
    if (expiresAt === undefined) return;
    const delay = expiresAt - this.now();
    this.timer =
      delay > MAX_TIMER_MS
        ? setTimeout(() => this.schedule(expiresAt), MAX_TIMER_MS).unref()
        : setTimeout(
            () => {
              this.timer = undefined;
              this.onExpire();
            },
            Math.max(0, delay),
          ).unref();
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  get armed(): boolean {
    return this.timer !== undefined;
  }
}
