import type { Collection, Db } from 'mongodb';
import { ensureIndexes, type IndexDeclaration } from '../../platform/mongo/indexes.js';

interface QueueEntry {
  /** The decision's id. */
  _id: string;
  dueAt: Date;
}

export const OUTCOME_QUEUE_INDEXES: IndexDeclaration[] = [{ key: { dueAt: 1 } }];

/**
 * Executed decisions waiting for their outcome check. A small collection of its own, so a tick
 * never searches the whole (ever-growing) decision history for the few that are due.
 */
export class OutcomeQueue {
  static readonly collection = 'outcome_queue';
  private readonly entries: Collection<QueueEntry>;

  constructor(db: Db) {
    this.entries = db.collection<QueueEntry>(OutcomeQueue.collection);
  }

  init(): Promise<void> {
    return ensureIndexes(this.entries, OUTCOME_QUEUE_INDEXES);
  }

  async add(decisionId: string, dueAt: Date): Promise<void> {
    await this.entries.updateOne({ _id: decisionId }, { $set: { dueAt } }, { upsert: true });
  }

  async due(now: Date, limit = 50): Promise<string[]> {
    const docs = await this.entries
      .find({ dueAt: { $lte: now } })
      .sort({ dueAt: 1 })
      .limit(limit)
      .toArray();
    return docs.map((d) => d._id);
  }

  async remove(decisionId: string): Promise<void> {
    await this.entries.deleteOne({ _id: decisionId });
  }
}
