import { ObjectId, type Collection, type Db } from 'mongodb';
import { ensureIndexes, type IndexDeclaration } from '../../platform/mongo/indexes.js';
import type { GoalChange } from './goal.type.js';

interface GoalChangeDocument {
  _id: ObjectId;
  goalId: string;
  field: string;
  from: string | null;
  to: string | null;
  actorId: string;
  reason: string | null;
  at: Date;
}

export const GOAL_CHANGE_INDEXES: IndexDeclaration[] = [{ key: { goalId: 1, _id: -1 } }];

/** The audit trail of admins' changes to goals; never updated, never deleted. */
export class GoalChangeStore {
  static readonly collection = 'goal_changes';
  private readonly changes: Collection<GoalChangeDocument>;

  constructor(db: Db) {
    this.changes = db.collection<GoalChangeDocument>(GoalChangeStore.collection);
  }

  init(): Promise<void> {
    return ensureIndexes(this.changes, GOAL_CHANGE_INDEXES);
  }

  async record(entries: Omit<GoalChangeDocument, '_id'>[]): Promise<void> {
    if (entries.length) await this.changes.insertMany(entries.map((e) => ({ _id: new ObjectId(), ...e })));
  }

  async forGoal(goalId: string, limit = 50): Promise<GoalChange[]> {
    const docs = await this.changes
      .find({ goalId: String(goalId) })
      .sort({ _id: -1 })
      .limit(limit)
      .toArray();
    return docs.map(({ _id, goalId: _goal, ...rest }) => ({ id: _id.toHexString(), ...rest }));
  }
}
