import type { Collection, Db } from 'mongodb';
import { DEFAULT_PREFERENCES, type Preferences } from './policy.js';

interface PreferenceDocument extends Preferences {
  /** The user's id. */
  _id: string;
  /** Marketing consent: when it was last given or withdrawn, and how (for the record). */
  marketingChangedAt: Date | null;
  marketingChangedBy: 'user' | 'unsubscribe-link' | null;
  updatedAt: Date;
}

/** Each user's preferences; users who never set any get DEFAULT_PREFERENCES (no document). */
export class PreferenceStore {
  static readonly collection = 'notification_preferences';
  private readonly preferences: Collection<PreferenceDocument>;

  constructor(db: Db) {
    this.preferences = db.collection<PreferenceDocument>(PreferenceStore.collection);
  }

  init(): Promise<void> {
    return Promise.resolve();
  }

  async get(userId: string): Promise<Preferences> {
    return (await this.many([userId])).get(userId)!;
  }

  /** One `$in` for a notification's recipients. */
  async many(userIds: readonly string[]): Promise<Map<string, Preferences>> {
    const docs = userIds.length ? await this.preferences.find({ _id: { $in: [...new Set(userIds)] } }).toArray() : [];
    const found = new Map(docs.map((d) => [d._id, strip(d)]));
    return new Map(userIds.map((id) => [id, found.get(id) ?? DEFAULT_PREFERENCES]));
  }

  async save(
    userId: string,
    prefs: Preferences,
    now: Date,
    marketingBy: 'user' | 'unsubscribe-link' | null,
  ): Promise<Preferences> {
    const marketing = marketingBy ? { marketingChangedAt: now, marketingChangedBy: marketingBy } : {};
    await this.preferences.updateOne(
      { _id: userId },
      {
        $set: { ...prefs, updatedAt: now, ...marketing },
        $setOnInsert: marketingBy ? {} : { marketingChangedAt: null, marketingChangedBy: null },
      },
      { upsert: true },
    );
    return prefs;
  }
}

function strip(doc: PreferenceDocument): Preferences {
  return {
    channels: { ...DEFAULT_PREFERENCES.channels, ...doc.channels },
    quietHours: doc.quietHours ?? null,
    timeZone: doc.timeZone ?? DEFAULT_PREFERENCES.timeZone,
    locale: doc.locale ?? DEFAULT_PREFERENCES.locale,
    smsNumber: doc.smsNumber ?? null,
  };
}
