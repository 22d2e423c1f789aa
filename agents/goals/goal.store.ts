import type { Collection, Db } from 'mongodb';
import type { GoalCategory, GoalDefinition, GoalSourceValue } from './goal-definitions.js';
import { withSample, type GoalDirection, type GoalSample } from './goal-math.js';
import { isDuplicateKey } from '../../platform/mongo/duplicate-key.js';

export interface GoalDocument {
  _id: string;
  name: string;
  category: GoalCategory;
  unit: string;
  direction: GoalDirection;
  source: GoalSourceValue;
  startValue: number;
  current: number;
  target: number;
  offset: number;
  samples: GoalSample[];
  startedAt: Date;
  dueAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** FerretDB drops empty arrays and nulls given to $setOnInsert, so a fresh goal may come back without them. */
const normalise = (doc: GoalDocument): GoalDocument => ({
  ...doc,
  samples: doc.samples ?? [],
  dueAt: doc.dueAt ?? null,
});
const YEAR_MS = 365 * 24 * 3_600_000;

export type GoalPatch = Partial<Pick<GoalDocument, 'current' | 'target' | 'dueAt'>>;

export class GoalStore {
  private readonly goals: Collection<GoalDocument>;

  constructor(db: Db) {
    this.goals = db.collection<GoalDocument>('goals');
  }

  /**
   * Inserts the goals that do not exist yet and leaves existing ones alone, so restarts and
   * instances starting together are harmless: the key is the _id, and a concurrent upsert
   * that loses the race fails on it and is ignored.
   */
  async seed(definitions: readonly GoalDefinition[], now: Date): Promise<void> {
    for (const d of definitions) {
      const doc: GoalDocument = {
        _id: d.key,
        name: d.name,
        category: d.category,
        unit: d.unit,
        direction: d.direction,
        source: d.source,
        startValue: d.startValue,
        current: d.startValue,
        target: d.target,
        offset: d.offset ?? 0,
        samples: [],
        startedAt: now,
        dueAt: d.yearly ? new Date(now.getTime() + YEAR_MS) : null,
        createdAt: now,
        updatedAt: now,
      };
      try {
        await this.goals.updateOne({ _id: d.key }, { $setOnInsert: doc }, { upsert: true });
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
      // Where a goal's figure comes from follows the definitions (a goal once typed in by hand is
      // measured once a service has the data), with the offset its measure adds; its target and
      // deadline stay as they are.
      await this.goals.updateOne(
        { _id: d.key, source: { $ne: d.source } },
        { $set: { source: d.source, name: d.name, offset: d.offset ?? 0 } },
      );
    }
  }

  async list(): Promise<GoalDocument[]> {
    return (await this.goals.find({}).sort({ category: 1, _id: 1 }).toArray()).map(normalise);
  }

  async findById(id: string): Promise<GoalDocument | null> {
    const doc = await this.goals.findOne({ _id: String(id) });
    return doc ? normalise(doc) : null;
  }

  /**
   * Sets the value a live metric reports (plus the goal's offset). Only goals fed by `source`
   * move, so a metric can never overwrite what an admin owns.
   */
  async setLive(key: string, source: GoalSourceValue, liveValue: number, at: Date): Promise<GoalDocument | null> {
    const found = await this.goals.findOne({ _id: key, source });
    if (!found || !Number.isFinite(liveValue)) return null;
    const goal = normalise(found);
    const current = liveValue + goal.offset;
    if (current === goal.current && goal.samples.length > 0) return goal;
    const samples = withSample(goal.samples, goal.current, at);
    await this.goals.updateOne({ _id: key, source }, { $set: { current, samples, updatedAt: at } });
    return { ...goal, current, samples, updatedAt: at };
  }

  /** An admin's change; the caller validated it and records the audit entry. */
  async update(id: string, patch: GoalPatch, at: Date): Promise<GoalDocument | null> {
    const goal = await this.findById(id);
    if (!goal) return null;
    const set: Partial<GoalDocument> = { ...patch, updatedAt: at };
    if (patch.current !== undefined) set.samples = withSample(goal.samples, goal.current, at);
    await this.goals.updateOne({ _id: goal._id }, { $set: set });
    return { ...goal, ...set };
  }
}
