import { isStaff, type Viewer } from '../../../platform/auth/viewer.js';
import { BadUserInputError, ForbiddenError, NotFoundError } from '../../../platform/errors.js';
import type { EventBus } from '../../../platform/events/bus.js';
import type { PageArgs } from '../../../platform/graphql/pagination.js';
import { parseInput } from '../../../platform/graphql/parse-input.js';
import type { CentreAuditStore } from '../audit/centre-audit.store.js';
import { MarketplaceAuditAction } from '../audit/audit.type.js';
import { CENTRE_UPDATED, centreEventSchema } from '../contract.js';
import { parseId } from '../ids.js';
import type { IdentityDirectory } from '../partners/identity-directory.js';
import type { Origin } from '../partners/partner.service.js';
import { centreUpdateSchema } from './centre-input.js';
import type { CentreDocument, CentreStore } from './centre.store.js';
import { CentreRole, type UpdateServiceCentreInput } from './centre.type.js';

type User = Extract<Viewer, { kind: 'user' }>;

const actor = (user: User) => `user:${user.userId}`;

/** The member's role at the centre, or null. */
export const memberRole = (centre: Pick<CentreDocument, 'members'>, userId: string): CentreRole | null =>
  centre.members.find((m) => m.userId === userId)?.role ?? null;

/** Members (owner, staff) edit a centre; only its owner manages staff. Platform staff read, never edit. */
export class CentreService {
  constructor(
    private readonly centres: CentreStore,
    private readonly identity: IdentityDirectory,
    private readonly audit: CentreAuditStore,
    private readonly bus: EventBus,
  ) {}

  private async load(id: string): Promise<CentreDocument> {
    const centre = await this.centres.findById(parseId(id, 'id'));
    if (!centre) throw new NotFoundError('Service centre');
    return centre;
  }

  /** The centre, when the viewer is one of its members, or platform staff for `read`. */
  async forMember(user: User, id: string, need: 'read' | 'edit' | 'own'): Promise<CentreDocument> {
    const centre = await this.load(id);
    const role = memberRole(centre, user.userId);
    const allowed =
      need === 'own' ? role === CentreRole.OWNER : need === 'edit' ? role !== null : role !== null || isStaff(user);
    if (!allowed) throw new ForbiddenError('Only the centre’s own partners may do this');
    return centre;
  }

  /** Applies a partner's edit: validated first (nothing stored on refusal), then audited field by field. */
  async update(user: User, id: string, input: UpdateServiceCentreInput, origin: Origin): Promise<CentreDocument> {
    const changes = parseInput(centreUpdateSchema, input);
    const fields = Object.keys(changes).filter((k) => changes[k as keyof typeof changes] !== undefined);
    if (fields.length === 0) throw new BadUserInputError('Nothing to change', 'input');
    const centre = await this.forMember(user, id, 'edit');
    const now = new Date();
    const updated = await this.centres.updateProfile(centre._id, changes, now);
    if (!updated) throw new NotFoundError('Service centre');
    await this.audit.record({
      action: MarketplaceAuditAction.CENTRE_UPDATED,
      actorId: actor(user),
      centreId: id,
      detail: describeChanges(centre, changes),
      requestId: origin.requestId,
    });
    await this.bus.publish(CENTRE_UPDATED, centreEventSchema.parse({ centreId: id, actorId: actor(user), at: now }));
    return updated;
  }

  /** The owner adds a member of staff by the email of their account; they become a PARTNER too. */
  async addStaff(user: User, id: string, email: string, origin: Origin): Promise<CentreDocument> {
    if (typeof email !== 'string' || email.length > 254 || !email.includes('@')) {
      throw new BadUserInputError('email is not an email address', 'email');
    }
    const centre = await this.forMember(user, id, 'own');
    const staffId = await this.identity.userIdByEmail(email.trim(), actor(user));
    if (!staffId) throw new NotFoundError('An account with that email');
    if (memberRole(centre, staffId)) return centre;
    await this.identity.grantRole({
      userId: staffId,
      role: 'PARTNER',
      actorId: actor(user),
      requestId: origin.requestId ?? null,
      ip: origin.ip ?? null,
      detail: `staff of service centre ${id}`,
    });
    const now = new Date();
    const result = await this.centres.addStaff(centre._id, staffId, now);
    if (!result) throw new NotFoundError('Service centre');
    if (result.added) {
      await this.audit.record({
        action: MarketplaceAuditAction.STAFF_ADDED,
        actorId: actor(user),
        centreId: id,
        detail: `user:${staffId}`,
        requestId: origin.requestId,
      });
      await this.bus.publish(CENTRE_UPDATED, centreEventSchema.parse({ centreId: id, actorId: actor(user), at: now }));
    }
    return result.centre;
  }

  async removeStaff(user: User, id: string, userId: string, origin: Origin): Promise<CentreDocument> {
    parseId(userId, 'userId');
    const centre = await this.forMember(user, id, 'own');
    if (memberRole(centre, userId) === CentreRole.OWNER) {
      throw new BadUserInputError('The owner cannot be removed', 'userId');
    }
    const now = new Date();
    const result = await this.centres.removeStaff(centre._id, userId, now);
    if (!result) throw new NotFoundError('Service centre');
    if (!result.removed) throw new NotFoundError('A member of staff with that id');
    await this.audit.record({
      action: MarketplaceAuditAction.STAFF_REMOVED,
      actorId: actor(user),
      centreId: id,
      detail: `user:${userId}`,
      requestId: origin.requestId,
    });
    await this.bus.publish(CENTRE_UPDATED, centreEventSchema.parse({ centreId: id, actorId: actor(user), at: now }));
    return result.centre;
  }

  mine(user: User): Promise<CentreDocument[]> {
    return this.centres.ofMember(user.userId);
  }

  async auditLog(user: User, id: string, page: PageArgs) {
    await this.forMember(user, id, 'read');
    return this.audit.ofCentre(id, page);
  }
}

/** "services: OIL_CHANGE 4999 EUR 60 min -> 5499 EUR 60 min; bays: 2 -> 3": what an edit did, for people. */
function describeChanges(before: CentreDocument, changes: Record<string, unknown>): string {
  const show = (value: unknown) => {
    const text = JSON.stringify(value);
    return text.length > 300 ? `${text.slice(0, 297)}...` : text;
  };
  return Object.entries(changes)
    .filter(([, v]) => v !== undefined)
    .map(([field, value]) => `${field}: ${show(before[field as keyof CentreDocument])} -> ${show(value)}`)
    .join('; ')
    .slice(0, 2000);
}
