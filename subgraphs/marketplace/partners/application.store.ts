import { ObjectId, type Collection, type Db, type Filter } from 'mongodb';
import { paginate, type PageArgs } from '../../../platform/graphql/pagination.js';
import { isDuplicateKey } from '../../../platform/mongo/duplicate-key.js';
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

/** `_id: applicantId` while their application waits: at most one open application per user, race-free. */
interface OpenClaim {
  _id: string;
  applicationId: ObjectId;
  claimedAt: Date;
}

/** A claim this old whose application was never written is a crashed apply's, and is taken over. */
const UNWRITTEN_CLAIM_MS = 60_000;

export class ApplicationStore {
  static readonly collection = 'partner_applications';
  static readonly openClaimsCollection = 'open_partner_applications';
  private readonly applications: Collection<ApplicationDocument>;
  private readonly openClaims: Collection<OpenClaim>;

  constructor(db: Db) {
    this.applications = db.collection<ApplicationDocument>(ApplicationStore.collection);
    this.openClaims = db.collection<OpenClaim>(ApplicationStore.openClaimsCollection);
  }

  init(): Promise<void> {
    return ensureIndexes(this.applications, APPLICATION_INDEXES);
  }

  /**
   * Writes a PENDING application unless the applicant has an open one (null then). The claim
   * goes first, so of two concurrent applications exactly one is written; a claim left by a
   * decided application (its release cut off) or by an apply that crashed is taken over.
   */
  async insertOpen(applicantId: string, details: ApplicationDetails, now: Date): Promise<ApplicationDocument | null> {
    const id = new ObjectId();
    const applicant = String(applicantId);
    for (let attempt = 0; ; attempt++) {
      try {
        await this.openClaims.insertOne({ _id: applicant, applicationId: id, claimedAt: now });
        break;
      } catch (error) {
        if (!isDuplicateKey(error) || attempt > 0) {
          if (isDuplicateKey(error)) return null;
          throw error;
        }
      }
      const claim = await this.openClaims.findOne({ _id: applicant });
      if (claim && (await this.claimIsLive(claim, now))) return null;
      if (claim) await this.openClaims.deleteOne({ _id: applicant, applicationId: claim.applicationId });
    }
    try {
      return await this.insert(id, applicant, details, now);
    } catch (error) {
      await this.releaseOpen(applicant, id).catch(() => undefined);
      throw error;
    }
  }

  private async claimIsLive(claim: OpenClaim, now: Date): Promise<boolean> {
    const application = await this.findById(claim.applicationId);
    if (!application) return now.getTime() - claim.claimedAt.getTime() < UNWRITTEN_CLAIM_MS;
    return application.status === PartnerApplicationStatus.PENDING || application.status === 'APPROVING';
  }

  /** Frees the applicant to apply again, if this application still holds their claim. */
  async releaseOpen(applicantId: string, applicationId: ObjectId): Promise<void> {
    await this.openClaims.deleteOne({ _id: String(applicantId), applicationId });
  }

  private async insert(
    id: ObjectId,
    applicantId: string,
    details: ApplicationDetails,
    now: Date,
  ): Promise<ApplicationDocument> {
    const doc: ApplicationDocument = {
      _id: id,
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
