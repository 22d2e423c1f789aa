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

  async deleteOlderThan(cutoff: Date): Promise<number> {
    return (await this.reports.deleteMany({ at: { $lt: cutoff } })).deletedCount;
  }
}
