import type { Viewer } from '../../../platform/auth/viewer.js';
import { ConflictError, NotFoundError } from '../../../platform/errors.js';
import type { EventBus } from '../../../platform/events/bus.js';
import type { PageArgs } from '../../../platform/graphql/pagination.js';
import { parseInput } from '../../../platform/graphql/parse-input.js';
import { MarketplaceAuditAction } from '../audit/audit.type.js';
import type { CentreAuditStore } from '../audit/centre-audit.store.js';
import { applicationSchema, reasonSchema } from '../centres/centre-input.js';
import type { CentreStore } from '../centres/centre.store.js';
import { CENTRE_CREATED, centreEventSchema } from '../contract.js';
import { parseId } from '../ids.js';
import type { ApplicationStore } from './application.store.js';
import type { PartnerApplicationInput, PartnerApplicationStatus } from './application.type.js';
import type { IdentityDirectory } from './identity-directory.js';

type User = Extract<Viewer, { kind: 'user' }>;

export interface Origin {
  requestId?: string;
  ip?: string;
}

const actor = (user: User) => `user:${user.userId}`;

/** Partner applications: a signed-in user applies, an admin approves (centre + PARTNER role) or rejects. */
export class PartnerService {
  constructor(
    private readonly applications: ApplicationStore,
    private readonly centres: CentreStore,
    private readonly identity: IdentityDirectory,
    private readonly audit: CentreAuditStore,
    private readonly bus: EventBus,
  ) {}

  /** One open application per user at a time: another while one waits is CONFLICT. */
  async apply(user: User, input: PartnerApplicationInput, origin: Origin) {
    const details = parseInput(applicationSchema, input);
    const doc = await this.applications.insertOpen(user.userId, details, new Date());
    if (!doc) throw new ConflictError('You already have an application waiting for a decision');
    await this.audit.record({
      action: MarketplaceAuditAction.PARTNER_APPLIED,
      actorId: actor(user),
      applicationId: doc._id.toHexString(),
      detail: details.name,
      requestId: origin.requestId,
    });
    return doc;
  }

  /**
   * Marks the application APPROVING, grants the applicant PARTNER through identity, creates the
   * centre (one per application), then marks it APPROVED. Each step is idempotent, so a retry
   * after a failure part-way finishes the job; a rejected or approved application is CONFLICT
   * (an approved one answers its centre).
   */
  async approve(admin: User, id: string, origin: Origin) {
    const applicationId = parseId(id, 'id');
    const existing = await this.applications.findById(applicationId);
    if (!existing) throw new NotFoundError('Partner application');
    if (existing.status === 'APPROVED' && existing.centreId) {
      const centre = await this.centres.findById(parseId(existing.centreId, 'centreId'));
      if (centre) return centre;
    }
    const now = new Date();
    const application = await this.applications.startApproval(applicationId, admin.userId, now);
    if (!application) throw new ConflictError(`The application is ${existing.status.toLowerCase()} already`);
    await this.identity.grantRole({
      userId: application.applicantId,
      role: 'PARTNER',
      actorId: actor(admin),
      requestId: origin.requestId ?? null,
      ip: origin.ip ?? null,
      detail: `partner application ${id} approved`,
    });
    const { location, ...profile } = application.details;
    const centre = await this.centres.createForApplication(
      applicationId,
      application.applicantId,
      { ...profile, closures: [] },
      location,
      now,
    );
    const centreId = centre._id.toHexString();
    await this.applications.finishApproval(applicationId, centreId);
    await this.applications.releaseOpen(application.applicantId, applicationId);
    await this.audit.record({
      action: MarketplaceAuditAction.PARTNER_APPROVED,
      actorId: actor(admin),
      applicationId: id,
      centreId,
      detail: `${application.details.name}: owner user:${application.applicantId}`,
      requestId: origin.requestId,
    });
    await this.bus.publish(CENTRE_CREATED, centreEventSchema.parse({ centreId, actorId: actor(admin), at: now }));
    return centre;
  }

  async reject(admin: User, id: string, reason: string, origin: Origin) {
    const applicationId = parseId(id, 'id');
    const why = parseInput(reasonSchema, reason);
    const existing = await this.applications.findById(applicationId);
    if (!existing) throw new NotFoundError('Partner application');
    const rejected = await this.applications.reject(applicationId, admin.userId, why, new Date());
    if (!rejected) throw new ConflictError('Only a pending application can be rejected');
    await this.applications.releaseOpen(rejected.applicantId, applicationId);
    await this.audit.record({
      action: MarketplaceAuditAction.PARTNER_REJECTED,
      actorId: actor(admin),
      applicationId: id,
      detail: why,
      requestId: origin.requestId,
    });
    return rejected;
  }

  mine(user: User, page: PageArgs) {
    return this.applications.ofApplicant(user.userId, page);
  }

  list(status: PartnerApplicationStatus | null, page: PageArgs) {
    return this.applications.list(status, page);
  }
}
