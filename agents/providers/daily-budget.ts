import type { Clock } from '../clock.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface BudgetSnapshot {
  dailyBudgetUsd: number;
  spentTodayUsd: number;
  remainingUsd: number;
  /** The UTC day (YYYY-MM-DD) the figures are for. */
  day: string;
}

/** Spend per UTC day against a limit; the count starts again at UTC midnight. */
export class DailyBudget {
  private day: number;
  private spent = 0;

  constructor(
    readonly limitUsd: number,
    private readonly clock: Clock,
  ) {
    if (!(limitUsd >= 0)) throw new RangeError('daily budget must be >= 0 USD');
    this.day = this.today();
  }

  private today(): number {
    return Math.floor(this.clock.now() / DAY_MS);
  }

  private roll(): void {
    const today = this.today();
    if (today !== this.day) {
      this.day = today;
      this.spent = 0;
    }
  }

  spentToday(): number {
    this.roll();
    return this.spent;
  }

  /** Refuses a call whose worst-case cost would take today's spend past the limit. */
  canAfford(estimateUsd: number): boolean {
    this.roll();
    return this.spent < this.limitUsd && this.spent + Math.max(0, estimateUsd) <= this.limitUsd;
  }

  charge(usd: number): void {
    this.roll();
    this.spent += Math.max(0, usd);
  }

  snapshot(): BudgetSnapshot {
    this.roll();
    return {
      dailyBudgetUsd: this.limitUsd,
      spentTodayUsd: this.spent,
      remainingUsd: Math.max(0, this.limitUsd - this.spent),
      day: new Date(this.day * DAY_MS).toISOString().slice(0, 10),
    };
  }
}
