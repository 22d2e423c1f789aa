import type { Collection, Db } from 'mongodb';
import { armKey, UNIFORM_PRIOR, type BetaPrior } from './beta-arm.js';
import type { LearningState } from './learning-state.js';

interface ArmDocument {
  _id: string;
  triggerKind: string;
  action: string;
  successes: number;
  failures: number;
  updatedAt: Date;
}

/**
 * The Beta posteriors, stored as outcome counts so an update is one atomic `$inc` (α and β
 * are the prior plus the counts): concurrent outcome checks can never lose an update.
 */
export class ArmStore {
  private readonly arms: Collection<ArmDocument>;

  constructor(
    db: Db,
    private readonly prior: BetaPrior = UNIFORM_PRIOR,
  ) {
    this.arms = db.collection<ArmDocument>('learning_arms');
  }

  async record(triggerKind: string, action: string, success: boolean, at: Date): Promise<void> {
    await this.arms.updateOne(
      { _id: armKey(triggerKind, action) },
      {
        $inc: { successes: success ? 1 : 0, failures: success ? 0 : 1 },
        $set: { updatedAt: at },
        $setOnInsert: { triggerKind, action },
      },
      { upsert: true },
    );
  }

  async state(): Promise<LearningState> {
    const docs = await this.arms.find({}).sort({ _id: 1 }).toArray();
    return {
      prior: { ...this.prior },
      arms: docs.map((d) => ({
        triggerKind: d.triggerKind,
        action: d.action,
        alpha: this.prior.alpha + d.successes,
        beta: this.prior.beta + d.failures,
        pulls: d.successes + d.failures,
        updatedAt: new Date(d.updatedAt).getTime(),
      })),
    };
  }
}
