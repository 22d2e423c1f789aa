import type { Collection, Db } from 'mongodb';
import { armKey, UNIFORM_PRIOR, type BetaPrior } from './beta-arm.js';
import type { ExpectedCourse } from './counterfactual.js';
import type { LearningState } from './learning-state.js';

/** The action a firing's "nothing done" outcomes are kept under: the control arm. */
export const CONTROL_ACTION = 'no_op';

/** Who picked the action that ran: Thompson sampling, a model, or the control draw. */
export type Chooser = 'bandit' | 'model' | 'control';

interface ArmDocument {
  _id: string;
  triggerKind: string;
  action: string;
  /** Outcomes judged, and of those the ones where the metric recovered, whatever caused it. */
  outcomes?: number;
  recovered?: number;
  /** Credit earned, summed (fractional: a recovery the expected course explains earns little). */
  credit?: number;
  /** Counts of arms stored before outcomes were judged against the control (read, never written). */
  successes?: number;
  failures?: number;
  updatedAt: Date;
}

interface ChoiceDocument {
  _id: string;
  triggerKind: string;
  chooser: Chooser;
  outcomes: number;
  credit: number;
  /** Decisions where the model picked something other than the bandit. */
  disagreements: number;
}

export interface ChooserRecord {
  triggerKind: string;
  chooser: Chooser;
  outcomes: number;
  credit: number;
  disagreements: number;
}

/**
 * The Beta posteriors, stored as outcome counts so an update is one atomic `$inc` (α and β
 * are the prior plus the counts): concurrent outcome checks can never lose an update.
 *
 * The posterior is over recovery: the chance the metric is back by the check when this action
 * is taken. Every action of a trigger kind is compared with the same control arm (nothing
 * done), so the action most likely to recover is also the one with the largest uplift; what
 * the action is credited with (its success rate) is only the recovery the expected course
 * does not explain, kept beside it.
 */
export class ArmStore {
  private readonly arms: Collection<ArmDocument>;
  private readonly choices: Collection<ChoiceDocument>;

  constructor(
    db: Db,
    private readonly prior: BetaPrior = UNIFORM_PRIOR,
  ) {
    this.arms = db.collection<ArmDocument>('learning_arms');
    this.choices = db.collection<ChoiceDocument>('learning_choosers');
  }

  /** A whole success or failure, recovery counted alike (tests, and seeds of past history). */
  record(triggerKind: string, action: string, success: boolean, at: Date): Promise<void> {
    return this.recordOutcome(triggerKind, action, { credit: success ? 1 : 0, recovered: success }, at);
  }

  /**
   * One judged outcome. `credit` null (controls, no-ops) leaves the posterior alone and only
   * counts the recovery, which is what the expected course is made of.
   */
  async recordOutcome(
    triggerKind: string,
    action: string,
    outcome: { credit: number | null; recovered: boolean },
    at: Date,
  ): Promise<void> {
    const credit = outcome.credit === null ? 0 : Math.min(1, Math.max(0, outcome.credit));
    await this.arms.updateOne(
      { _id: armKey(triggerKind, action) },
      {
        $inc: { outcomes: 1, recovered: outcome.recovered ? 1 : 0, credit },
        $set: { updatedAt: at },
        $setOnInsert: { triggerKind, action },
      },
      { upsert: true },
    );
  }

  /** Side by side: how the bandit's picks and the model's picks fared, per trigger kind. */
  async recordChoice(
    triggerKind: string,
    chooser: Chooser,
    outcome: { credit: number; disagreed: boolean },
  ): Promise<void> {
    await this.choices.updateOne(
      { _id: `${triggerKind}::${chooser}` },
      {
        $inc: { outcomes: 1, credit: outcome.credit, disagreements: outcome.disagreed ? 1 : 0 },
        $setOnInsert: { triggerKind, chooser },
      },
      { upsert: true },
    );
  }

  async choosers(): Promise<ChooserRecord[]> {
    const docs = await this.choices.find({}).sort({ _id: 1 }).toArray();
    return docs.map(({ triggerKind, chooser, outcomes, credit, disagreements }) => ({
      triggerKind,
      chooser,
      outcomes,
      credit,
      disagreements,
    }));
  }

  /** The outcomes of firings where nothing was done, for one trigger kind. */
  async expectedCourse(triggerKind: string): Promise<ExpectedCourse> {
    const doc = await this.arms.findOne({ _id: armKey(triggerKind, CONTROL_ACTION) });
    return { samples: doc?.outcomes ?? 0, recovered: doc?.recovered ?? 0 };
  }

  async state(): Promise<LearningState> {
    const docs = await this.arms.find({}).sort({ _id: 1 }).toArray();
    return {
      prior: { ...this.prior },
      arms: docs.map((d) => {
        // Older arms counted every success as a recovery and a whole credit.
        const outcomes = (d.outcomes ?? 0) + (d.successes ?? 0) + (d.failures ?? 0);
        const recovered = (d.recovered ?? 0) + (d.successes ?? 0);
        return {
          triggerKind: d.triggerKind,
          action: d.action,
          alpha: this.prior.alpha + recovered,
          beta: this.prior.beta + outcomes - recovered,
          pulls: outcomes,
          outcomes,
          recovered,
          credit: (d.credit ?? 0) + (d.successes ?? 0),
          updatedAt: new Date(d.updatedAt).getTime(),
        };
      }),
    };
  }
}
