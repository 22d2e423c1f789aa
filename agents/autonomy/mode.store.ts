import type { Collection, Db } from 'mongodb';
import type { AutonomousModeValue } from '../settings.js';
import { isDuplicateKey } from '../../platform/mongo/duplicate-key.js';

interface ModeDocument {
  _id: 'mode';
  mode: AutonomousModeValue;
  changedAt: Date;
  /** The admin who set it; null for the configured default. */
  changedBy: string | null;
}

export interface ModeState {
  mode: AutonomousModeValue;
  changedAt: Date;
  changedBy: string | null;
}

/** The kill switch, persisted so every instance and every restart obey the last admin's word. */
export class ModeStore {
  private readonly settings: Collection<ModeDocument>;
  private recent: { at: number; state: Promise<ModeState> } | null = null;

  constructor(db: Db) {
    this.settings = db.collection<ModeDocument>('autonomy');
  }

  /** The configured default applies only when no admin has chosen yet. */
  async init(defaultMode: AutonomousModeValue, now: Date): Promise<void> {
    try {
      await this.settings.updateOne(
        { _id: 'mode' },
        { $setOnInsert: { mode: defaultMode, changedAt: now, changedBy: null } },
        { upsert: true },
      );
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }

  async get(): Promise<ModeState> {
    const doc = await this.settings.findOne({ _id: 'mode' });
    // A missing document (deleted by hand) is treated as the safest state, not the default.
    return doc
      ? { mode: doc.mode, changedAt: doc.changedAt, changedBy: doc.changedBy ?? null }
      : { mode: 'OFF', changedAt: new Date(0), changedBy: null };
  }

  /**
   * For display only (a member's PAUSED status on every row of a page): at most a second old.
   * Whatever acts or approves reads `get()`.
   */
  getRecent(): Promise<ModeState> {
    const now = Date.now();
    if (!this.recent || now - this.recent.at > 1000) {
      const state = this.get();
      state.catch(() => (this.recent = null));
      this.recent = { at: now, state };
    }
    return this.recent.state;
  }

  async set(mode: AutonomousModeValue, actorId: string, now: Date): Promise<ModeState> {
    await this.settings.updateOne(
      { _id: 'mode' },
      { $set: { mode, changedAt: now, changedBy: actorId } },
      { upsert: true },
    );
    this.recent = null;
    return { mode, changedAt: now, changedBy: actorId };
  }
}
