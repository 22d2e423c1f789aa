import type { Collection, Db } from 'mongodb';
import { ensureIndexes, type IndexDeclaration } from '../../platform/mongo/indexes.js';
import type { RiskLevel } from '../actions/catalogue.js';
import type { TriggerCategory } from '../triggers/categories.js';
import type { BudgetUse } from './guardrails.js';

interface ActionEntry {
  /** The decision's id. */
  _id: string;
  at: Date;
  /** Absent on entries written before budgets were per risk and category. */
  risk?: RiskLevel;
  category?: TriggerCategory;
}

export interface ActionSlot {
  risk: RiskLevel;
  category: TriggerCategory;
}

export const RECENT_ACTION_INDEXES: IndexDeclaration[] = [
  { key: { at: -1 } },
  { key: { risk: 1, at: -1 } },
  { key: { category: 1, at: -1 } },
];
const KEPT_MS = 3_600_000;

/**
 * Actions executed in the last hour (with their risk and category), for the hourly budgets: a small collection of its own,
 * so counting them never searches the whole decision history. Older entries are pruned.
 */
export class RecentActions {
  static readonly collection = 'recent_actions';
  private readonly actions: Collection<ActionEntry>;

  constructor(db: Db) {
    this.actions = db.collection<ActionEntry>(RecentActions.collection);
  }

  init(): Promise<void> {
    return ensureIndexes(this.actions, RECENT_ACTION_INDEXES);
  }

  /** Takes a place in the budget; `remove` gives it back when the action does not run after all. */
  async record(decisionId: string, at: Date, slot: ActionSlot): Promise<void> {
    await this.actions.updateOne({ _id: decisionId }, { $set: { at, ...slot } }, { upsert: true });
  }

  async remove(decisionId: string): Promise<void> {
    await this.actions.deleteOne({ _id: decisionId });
  }

  /** The hour's actions as the budget counts them for one more of `slot`, leaving out `except` (its own place). */
  async usage(since: Date, slot: ActionSlot, except: string): Promise<BudgetUse> {
    const recent = { at: { $gte: since }, _id: { $ne: except } };
    const [total, risk, category] = await Promise.all([
      this.actions.countDocuments(recent),
      this.actions.countDocuments({ ...recent, risk: slot.risk }),
      this.actions.countDocuments({ ...recent, category: slot.category }),
    ]);
    return { total, risk, category };
  }

  countSince(since: Date): Promise<number> {
    return this.actions.countDocuments({ at: { $gte: since } });
  }

  async prune(now: Date): Promise<void> {
    await this.actions.deleteMany({ at: { $lt: new Date(now.getTime() - KEPT_MS) } });
  }
}
