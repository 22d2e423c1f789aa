import type { Collection, Db } from 'mongodb';
import type { ThresholdState } from '../triggers/threshold.js';

interface StateDocument extends ThresholdState {
  _id: string;
}

/** Rule states between ticks, so a new leader keeps the cooldowns and hysteresis of the old one. */
export class TriggerStateStore {
  private readonly states: Collection<StateDocument>;

  constructor(db: Db) {
    this.states = db.collection<StateDocument>('trigger_states');
  }

  async load(): Promise<Map<string, ThresholdState>> {
    const docs = await this.states.find({}).toArray();
    return new Map(docs.map((d) => [d._id, { armed: d.armed, lastFiredAt: d.lastFiredAt }]));
  }

  async save(changed: ReadonlyMap<string, ThresholdState>): Promise<void> {
    for (const [key, state] of changed) {
      await this.states.updateOne(
        { _id: key },
        { $set: { armed: state.armed, lastFiredAt: state.lastFiredAt } },
        { upsert: true },
      );
    }
  }
}
