import type { Collection, Db } from 'mongodb';
import { ensureIndexes, type IndexDeclaration } from '../../platform/mongo/indexes.js';

interface ActionEntry {
  /** The decision's id. */
  _id: string;
  at: Date;
}

export const RECENT_ACTION_INDEXES: IndexDeclaration[] = [{ key: { at: -1 } }];
const KEPT_MS = 3_600_000;

/**
 * Actions executed in the last hour, for the per-hour guardrail: a small collection of its own,
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

  async record(decisionId: string, at: Date): Promise<void> {
    await this.actions.updateOne({ _id: decisionId }, { $set: { at } }, { upsert: true });
  }

  countSince(since: Date): Promise<number> {
    return this.actions.countDocuments({ at: { $gte: since } });
  }

  async prune(now: Date): Promise<void> {
    await this.actions.deleteMany({ at: { $lt: new Date(now.getTime() - KEPT_MS) } });
  }
}
