import { ObjectId, type Collection, type Db, type Filter } from 'mongodb';
import { paginate, type PageArgs } from '../../../platform/graphql/pagination.js';
import { ensureIndexes, type IndexDeclaration } from '../../../platform/mongo/indexes.js';
import type { ApiKey, ApiScope } from './api-key.type.js';

export interface ApiKeyDocument {
  _id: ObjectId;
  name: string;
  prefix: string;
  secretHash: string;
  scopes: ApiScope[];
  createdBy: string;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

export const toApiKey = ({ _id, secretHash: _secret, lastUsedAt: _used, ...rest }: ApiKeyDocument): ApiKey => ({
  id: _id.toHexString(),
  ...rest,
});

/** Live keys, newest first (all keys page by `_id`). */
export const API_KEY_INDEXES: IndexDeclaration[] = [{ key: { revokedAt: 1, _id: -1 } }];

export class ApiKeyStore {
  static readonly collection = 'api_keys';
  private readonly keys: Collection<ApiKeyDocument>;

  constructor(db: Db) {
    this.keys = db.collection<ApiKeyDocument>(ApiKeyStore.collection);
  }

  init(): Promise<void> {
    return ensureIndexes(this.keys, API_KEY_INDEXES);
  }

  async insert(doc: ApiKeyDocument): Promise<void> {
    await this.keys.insertOne(doc);
  }

  findById(id: ObjectId): Promise<ApiKeyDocument | null> {
    return this.keys.findOne({ _id: id });
  }

  /** Idempotent: revoking a revoked key keeps its first revocation time. */
  async revoke(id: ObjectId, now: Date): Promise<ApiKeyDocument | null> {
    await this.keys.updateOne({ _id: id, revokedAt: null }, { $set: { revokedAt: now } });
    return this.findById(id);
  }

  async touch(id: ObjectId, now: Date): Promise<void> {
    await this.keys.updateOne({ _id: id }, { $set: { lastUsedAt: now } });
  }

  list(includeRevoked: boolean, page: PageArgs) {
    const filter: Filter<ApiKeyDocument> = includeRevoked ? {} : { revokedAt: null };
    return paginate(this.keys, filter, page, toApiKey);
  }
}
