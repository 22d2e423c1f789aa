import type { Collection, Db } from 'mongodb';

export interface LoopStatus {
  lastTickAt: Date | null;
  lastTickBy: string | null;
  lastTickReason: string | null;
  lastTickDurationMs: number | null;
  nextTickAt: Date | null;
}

interface StatusDocument extends LoopStatus {
  _id: 'loop';
}

/** What the leader last did, so every instance can answer autonomousStatus. */
export class LoopStatusStore {
  private readonly status: Collection<StatusDocument>;

  constructor(db: Db) {
    this.status = db.collection<StatusDocument>('loop_status');
  }

  async get(): Promise<LoopStatus> {
    const doc = await this.status.findOne({ _id: 'loop' });
    return {
      lastTickAt: doc?.lastTickAt ?? null,
      lastTickBy: doc?.lastTickBy ?? null,
      lastTickReason: doc?.lastTickReason ?? null,
      lastTickDurationMs: doc?.lastTickDurationMs ?? null,
      nextTickAt: doc?.nextTickAt ?? null,
    };
  }

  async record(status: LoopStatus): Promise<void> {
    await this.status.updateOne({ _id: 'loop' }, { $set: status }, { upsert: true });
  }

  async scheduleNext(nextTickAt: Date): Promise<void> {
    await this.status.updateOne({ _id: 'loop' }, { $set: { nextTickAt } }, { upsert: true });
  }
}
