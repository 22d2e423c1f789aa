import { ObjectId, type Collection, type Db, type Filter } from 'mongodb';
import { paginate, type PageArgs } from '../../../platform/graphql/pagination.js';
import { ensureIndexes, type IndexDeclaration } from '../../../platform/mongo/indexes.js';
import type { AuditEvent, AuditEventType } from './audit-event.type.js';

interface AuditDocument {
  _id: ObjectId;
  type: AuditEventType;
  userId: string | null;
  actorId: string | null;
  ip: string | null;
  requestId: string | null;
  detail: string | null;
  at: Date;
}

export type AuditEntry = Partial<Omit<AuditDocument, '_id' | 'at' | 'type'>> & { type: AuditEventType };

export interface AuditQuery {
  type?: AuditEventType;
  userId?: string;
}

/** The log by type or by user, newest first (both: the user's, checked for the type). */
export const AUDIT_INDEXES: IndexDeclaration[] = [{ key: { type: 1, _id: -1 } }, { key: { userId: 1, _id: -1 } }];

export class AuditStore {
  static readonly collection = 'audit_events';
  private readonly events: Collection<AuditDocument>;

  constructor(db: Db) {
    this.events = db.collection<AuditDocument>(AuditStore.collection);
  }

  init(): Promise<void> {
    return ensureIndexes(this.events, AUDIT_INDEXES);
  }

  async record(entry: AuditEntry): Promise<void> {
    await this.events.insertOne({
      _id: new ObjectId(),
      at: new Date(),
      userId: entry.userId ?? null,
      actorId: entry.actorId ?? null,
      ip: entry.ip ?? null,
      requestId: entry.requestId ?? null,
      detail: entry.detail ?? null,
      type: entry.type,
    });
  }

  /** Several entries in one round trip (one per account a provisioning call created), each at its `at` if given. */
  async recordMany(entries: readonly (AuditEntry & { at?: Date })[]): Promise<void> {
    if (entries.length === 0) return;
    const at = new Date();
    await this.events.insertMany(
      entries.map((entry) => ({
        _id: new ObjectId(),
        at: entry.at ?? at,
        userId: entry.userId ?? null,
        actorId: entry.actorId ?? null,
        ip: entry.ip ?? null,
        requestId: entry.requestId ?? null,
        detail: entry.detail ?? null,
        type: entry.type,
      })),
    );
  }

  list(query: AuditQuery, page: PageArgs) {
    const filter: Filter<AuditDocument> = {};
    if (query.type) filter.type = query.type;
    if (query.userId) filter.userId = String(query.userId);
    return paginate(this.events, filter, page, ({ _id, ...rest }): AuditEvent => ({ id: _id.toHexString(), ...rest }));
  }
}
