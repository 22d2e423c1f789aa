import { ObjectId, type Collection, type Db, type Filter } from 'mongodb';
import { paginate, type PageArgs } from '../../../platform/graphql/pagination.js';
import { ensureIndexes, type IndexDeclaration } from '../../../platform/mongo/indexes.js';
import type { ApplicationDetails } from '../centres/centre-input.js';
import { PartnerApplicationStatus, type PartnerApplication } from './application.type.js';

/**
 * APPROVING: an admin's approval under way (role granted, centre created, then APPROVED); a
 * retried approval finishes it, and nothing else moves it. Shown as PENDING.
 */
export type ApplicationState = PartnerApplicationStatus | 'APPROVING';

export interface ApplicationDocument {
  _id: ObjectId;
  applicantId: string;
  status: ApplicationState;
  details: ApplicationDetails;
  reason: string | null;
  decidedBy: string | null;
  decidedAt: Date | null;
  centreId: string | null;
  createdAt: Date;
}

export const toApplication = (doc: ApplicationDocument): PartnerApplication => ({
  id: doc._id.toHexString(),
  status: doc.status === 'APPROVING' ? PartnerApplicationStatus.PENDING : doc.status,
  applicant: { id: doc.applicantId },
  ...doc.details,
  reason: doc.reason,
  centre: doc.centreId ? { id: doc.centreId } : null,
  createdAt: doc.createdAt,
  decidedAt: doc.status === 'APPROVING' ? null : doc.decidedAt,
});

/** An applicant's applications and the admins' queue by status, newest first. */
export const APPLICATION_INDEXES: IndexDeclaration[] = [
  { key: { applicantId: 1, _id: -1 } },
  { key: { status: 1, _id: -1 } },
];

export class ApplicationStore {
  static readonly collection = 'partner_applications';
  private readonly applications: Collection<ApplicationDocument>;

  constructor(db: Db) {
    this.applications = db.collection<ApplicationDocument>(ApplicationStore.collection);
  }

  init(): Promise<void> {
    return ensureIndexes(this.applications, APPLICATION_INDEXES);
  }

  async insert(applicantId: string, details: ApplicationDetails, now: Date): Promise<ApplicationDocument> {
    const doc: ApplicationDocument = {
      _id: new ObjectId(),
      applicantId: String(applicantId),
      status: PartnerApplicationStatus.PENDING,
      details,
      reason: null,
      decidedBy: null,
      decidedAt: null,
      centreId: null,
      createdAt: now,
    };
    await this.applications.insertOne(doc);
    return doc;
  }

  findById(id: ObjectId): Promise<ApplicationDocument | null> {
    return this.applications.findOne({ _id: id });
  }

  countOpenOf(applicantId: string): Promise<number> {
    return this.applications.countDocuments({
      applicantId: String(applicantId),
      status: { $in: [PartnerApplicationStatus.PENDING, 'APPROVING'] },
    });
  }

  /** PENDING (or an approval under way) -> APPROVING; null when it was decided otherwise. */
  startApproval(id: ObjectId, adminId: string, now: Date): Promise<ApplicationDocument | null> {
    return this.applications.findOneAndUpdate(
      { _id: id, status: { $in: [PartnerApplicationStatus.PENDING, 'APPROVING'] } },
      { $set: { status: 'APPROVING', decidedBy: String(adminId), decidedAt: now } },
      { returnDocument: 'after' },
    );
  }

  finishApproval(id: ObjectId, centreId: string): Promise<ApplicationDocument | null> {
    return this.applications.findOneAndUpdate(
      { _id: id, status: 'APPROVING' },
      { $set: { status: PartnerApplicationStatus.APPROVED, centreId: String(centreId) } },
      { returnDocument: 'after' },
    );
  }

  /** PENDING -> REJECTED; null when it is not pending (decided, or an approval under way). */
  reject(id: ObjectId, adminId: string, reason: string, now: Date): Promise<ApplicationDocument | null> {
    return this.applications.findOneAndUpdate(
      { _id: id, status: PartnerApplicationStatus.PENDING },
      { $set: { status: PartnerApplicationStatus.REJECTED, reason, decidedBy: String(adminId), decidedAt: now } },
      { returnDocument: 'after' },
    );
  }

  ofApplicant(applicantId: string, page: PageArgs) {
    return paginate(this.applications, { applicantId: String(applicantId) }, page, toApplication);
  }

  list(status: PartnerApplicationStatus | null, page: PageArgs) {
    const filter: Filter<ApplicationDocument> =
      status === null
        ? {}
        : status === PartnerApplicationStatus.PENDING
          ? { status: { $in: [PartnerApplicationStatus.PENDING, 'APPROVING'] } }
          : { status };
    return paginate(this.applications, filter, page, toApplication);
  }
}
