import { ObjectId, type Collection, type Db } from 'mongodb';
import { ensureIndexes, type IndexDeclaration } from '../../platform/mongo/indexes.js';

export interface ClientErrorDocument {
  _id: ObjectId;
  message: string;
  url: string | null;
  stack: string | null;
  /** `user:<id>`, `apiKey:<id>`, `device:<id>` or `anonymous`; never an address. */
  reporter: string;
  at: Date;
}

export const CLIENT_ERROR_INDEXES: IndexDeclaration[] = [{ key: { at: -1 } }];

export class ClientErrorStore {
  static readonly collection = 'client_errors';
  private readonly reports: Collection<ClientErrorDocument>;

  constructor(db: Db) {
    this.reports = db.collection<ClientErrorDocument>(ClientErrorStore.collection);
  }

  init(): Promise<void> {
    return ensureIndexes(this.reports, CLIENT_ERROR_INDEXES);
  }

  async insert(report: Omit<ClientErrorDocument, '_id'>): Promise<void> {
    await this.reports.insertOne({ _id: new ObjectId(), ...report });
  }

  countSince(since: Date): Promise<number> {
    return this.reports.countDocuments({ at: { $gt: since } });
  }

  /** Reports from signed-in callers (users, API keys, devices) since then. */
  countSignedInSince(since: Date): Promise<number> {
    return this.reports.countDocuments({ at: { $gt: since }, reporter: { $ne: 'anonymous' } });
  }

  /** Signed-in reporters with at least `min` reports since then, most first (the clients behind a burst). */
  async topReporters(since: Date, min: number, limit: number): Promise<string[]> {
    const rows = await this.reports
      .aggregate<{ _id: string; count: number }>([
        { $match: { at: { $gt: since }, reporter: { $ne: 'anonymous' } } },
        { $group: { _id: '$reporter', count: { $sum: 1 } } },
        { $match: { count: { $gte: min } } },
        { $sort: { count: -1, _id: 1 } },
        { $limit: limit },
      ])
      .toArray();
    return rows.map((r) => r._id);
  }

  async deleteOlderThan(cutoff: Date): Promise<number> {
    return (await this.reports.deleteMany({ at: { $lt: cutoff } })).deletedCount;
  }
}
