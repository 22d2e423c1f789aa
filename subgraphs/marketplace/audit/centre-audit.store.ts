import { ObjectId, type Collection, type Db } from 'mongodb';
import { paginate, type PageArgs } from '../../../platform/graphql/pagination.js';
import { ensureIndexes, type IndexDeclaration } from '../../../platform/mongo/indexes.js';
import { MarketplaceAuditAction, type MarketplaceAuditEntry } from './audit.type.js';

interface AuditDocument {
  _id: ObjectId;
  action: MarketplaceAuditAction;
  /** `user:<id>`, as identity's audit log names actors. */
  actorId: string;
  centreId: string | null;
  applicationId: string | null;
  detail: string;
  requestId: string | null;
  at: Date;
}

export type AuditRecord = Omit<AuditDocument, '_id' | 'at' | 'centreId' | 'applicationId' | 'requestId'> &
  Partial<Pick<AuditDocument, 'centreId' | 'applicationId' | 'requestId'>>;

/** A centre's log and an application's, newest first. */
export const AUDIT_INDEXES: IndexDeclaration[] = [
  { key: { centreId: 1, _id: -1 } },
  { key: { applicationId: 1, _id: -1 } },
];

/** Every partner-side change: applications, decisions, edits of a centre, its members. */
export class CentreAuditStore {
  static readonly collection = 'audit_events';
  private readonly events: Collection<AuditDocument>;

  constructor(db: Db) {
    this.events = db.collection<AuditDocument>(CentreAuditStore.collection);
  }

  init(): Promise<void> {
    return ensureIndexes(this.events, AUDIT_INDEXES);
  }

  async record(entry: AuditRecord, at = new Date()): Promise<void> {
    await this.events.insertOne({
      _id: new ObjectId(),
      action: entry.action,
      actorId: entry.actorId,
      centreId: entry.centreId ?? null,
      applicationId: entry.applicationId ?? null,
      detail: entry.detail,
      requestId: entry.requestId ?? null,
      at,
    });
  }

  ofCentre(centreId: string, page: PageArgs) {
    return paginate(this.events, { centreId: String(centreId) }, page, ({ _id, ...rest }): MarketplaceAuditEntry => ({
      id: _id.toHexString(),
      ...rest,
    }));
  }

  ofApplication(applicationId: string, page: PageArgs) {
    return paginate(
      this.events,
      { applicationId: String(applicationId) },
      page,
      ({ _id, ...rest }): MarketplaceAuditEntry => ({ id: _id.toHexString(), ...rest }),
    );
  }
}
