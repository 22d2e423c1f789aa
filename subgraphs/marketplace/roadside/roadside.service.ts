import { ObjectId } from 'mongodb';
import { z } from 'zod';
import type { VehicleAccess } from '../../../platform/access/vehicle-access.js';
import { isStaff, type Viewer } from '../../../platform/auth/viewer.js';
import {
  BadUserInputError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  UnauthenticatedError,
} from '../../../platform/errors.js';
import { parseInput } from '../../../platform/graphql/parse-input.js';
import type { Logger } from '../../../platform/logger.js';
import { geoPointSchema } from '../centres/centre-input.js';
import type { CentreDocument } from '../centres/centre.store.js';
import { ServiceKind } from '../centres/centre.type.js';
import type { Payable } from '../contract.js';
import type { LatLng } from '../geo/haversine.js';
import { isCurrencyCode } from '../money/currency.js';
import type { NearbyArgs } from '../search/nearby.service.js';
import { nextWave, type RoadsideCandidate } from './dispatch.js';
import type { RoadsideEvents } from './roadside-events.js';
import { FINAL_STATUSES, ROADSIDE_KINDS, roadsideTransition, type RoadsideAction } from './roadside-state.js';
import type { RoadsideChanges, RoadsideDocument, RoadsideStore } from './roadside.store.js';
import { CLAIM_GRACE_MS, type VehicleClaimStore } from './vehicle-claim.store.js';

type UserViewer = Extract<Viewer, { kind: 'user' }>;

export interface RoadsideSettings {
  /** Centres offered a request at once. */
  waveSize: number;
  /** How long a wave waits for an accept before the next one is offered. */
  waveSeconds: number;
  /** Waves before staff are alerted (UNANSWERED). */
  waves: number;
  /** How far from the driver a centre may be offered the request. */
  radiusKm: number;
  /** The speed the ETA assumes over the great-circle distance. */
  speedKmh: number;
}

export const DEFAULT_ROADSIDE_SETTINGS: RoadsideSettings = {
  waveSize: 3,
  waveSeconds: 60,
  waves: 3,
  radiusKm: 50,
  speedKmh: 40,
};

/** The centres the requests are offered to and acted for (the centre store). */
export interface RoadsideCentres {
  findById(id: ObjectId): Promise<CentreDocument | null>;
  ofMember(userId: string): Promise<CentreDocument[]>;
}

/** Open centres offering ROADSIDE near a point (the nearby search). */
export interface RoadsideSearch {
  search(args: NearbyArgs): Promise<{
    edges: { node: { id: string; distanceKm: number | null; rating: { average: number; count: number } } }[];
  }>;
}

/** Centres a wave is chosen from: the nearest open ones, then ranked by distance and rating. */
const CANDIDATES_READ = 50;
export const MAX_NOTES = 500;
/** Open offers a list holds at most (newest first): more than a centre can take on at once. */
const OPEN_OFFERS_LISTED = 100;

const requestSchema = z.object({
  vehicleId: z.string().min(1).max(64, 'vehicleId is not a vehicle id'),
  location: geoPointSchema,
  kind: z.enum(ROADSIDE_KINDS, { message: `kind must be one of ${ROADSIDE_KINDS.join(', ')}` }),
  notes: z
    .string()
    .trim()
    .max(MAX_NOTES, `notes must be at most ${MAX_NOTES} characters`)
    .regex(/^[^\p{Cc}]*$/u, 'notes must not contain control characters')
    .nullish(),
});
export type RoadsideRequestInput = z.input<typeof requestSchema>;

const chargeSchema = z
  .object({
    amountMinor: z
      .number()
      .int('amountMinor must be whole minor units')
      .min(0, 'amountMinor must not be negative')
      .max(10_000_000, 'amountMinor must be at most 10000000'),
    currency: z.string().refine(isCurrencyCode, 'currency must be an ISO 4217 code such as EUR'),
  })
  .nullish();
export type RoadsideChargeInput = z.input<typeof chargeSchema>;

const reasonSchema = z.string().trim().max(500, 'reason must be at most 500 characters').nullish();

export class RoadsideService {
  constructor(
    private readonly store: RoadsideStore,
    private readonly claims: VehicleClaimStore,
    private readonly centres: RoadsideCentres,
    private readonly search: RoadsideSearch,
    private readonly access: VehicleAccess,
    private readonly events: RoadsideEvents,
    private readonly logger: Logger,
    readonly settings: RoadsideSettings = DEFAULT_ROADSIDE_SETTINGS,
    private readonly clock: () => Date = () => new Date(),
    /** Told when a wave starts, so this instance can act when it runs out (RoadsideWaves.schedule). */
    private readonly onWave: (doc: RoadsideDocument) => void = () => undefined,
  ) {}

  /**
   * A driver asks for help with one of their vehicles: stored, then offered to the first wave at
   * once (or UNANSWERED, staff alerted, when no open centre is near). Bad input or someone
   * else's vehicle stores nothing.
   */
  async request(viewer: Viewer | undefined, input: RoadsideRequestInput): Promise<RoadsideDocument> {
    const user = requireUser(viewer);
    const parsed = parseInput(requestSchema, input);
    const ownership = await this.access.ownership(parsed.vehicleId);
    // Unknown and someone else's look alike: a driver learns nothing about other people's ids.
    if (!ownership || !ownership.active || ownership.ownerId !== user.userId)
      throw new ForbiddenError('You can ask for help only for a vehicle of your own');
    const now = this.clock();
    const _id = new ObjectId();
    await this.claimVehicle(parsed.vehicleId, _id.toHexString(), now);
    const doc: RoadsideDocument = {
      _id,
      customerId: user.userId,
      vehicleId: parsed.vehicleId,
      kind: parsed.kind,
      notes: parsed.notes || null,
      location: { lat: parsed.location.lat, lng: parsed.location.lng },
      status: 'REQUESTED',
      wave: 0,
      offers: [],
      offeredCentreIds: [],
      dueAt: now,
      responder: null,
      charge: null,
      payment: null,
      reason: null,
      history: [{ status: 'REQUESTED', at: now, by: user.userId }],
      version: 1,
      announced: false,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.store.insert(doc);
    } catch (error) {
      await this.claims.release(doc.vehicleId, _id.toHexString()).catch(() => undefined);
      throw error;
    }
    await this.events.changed(doc);
    // A failure here leaves the request due: the wave job offers it on its next pass. When the job
    // of some instance offered it first (it is due from the start), the answer is what it stored.
    const offered = await this.advance(doc).catch((err) => {
      this.logger.warn({ err, requestId: doc._id.toHexString() }, 'first roadside wave not offered yet');
      return null;
    });
    return offered ?? (await this.store.findById(doc._id.toHexString())) ?? doc;
  }

  /**
   * One request at a time per vehicle: CONFLICT while another is in progress. A claim whose
   * request is over, or was never stored (its writer died), is taken over.
   */
  private async claimVehicle(vehicleId: string, requestId: string, now: Date): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const holder = await this.claims.claim(vehicleId, requestId, now);
      if (!holder) return;
      const held = await this.store.findById(holder.requestId);
      const over = held
        ? FINAL_STATUSES.includes(held.status)
        : now.getTime() - holder.claimedAt.getTime() > CLAIM_GRACE_MS;
      if (!over) break;
      if (await this.claims.takeOver(vehicleId, holder.requestId, requestId, now)) return;
    }
    throw new ConflictError('This vehicle already has a roadside request in progress: follow it or cancel it');
  }

  /** The vehicle may ask again once its request is over; a release that fails is taken over later. */
  private async ended(doc: RoadsideDocument): Promise<void> {
    if (!FINAL_STATUSES.includes(doc.status)) return;
    await this.claims.release(doc.vehicleId, doc._id.toHexString()).catch(() => undefined);
  }

  /**
   * The wave job's step for a request whose wave ran out: the next wave of centres not offered
   * before, or UNANSWERED (staff alerted) after the last wave or when no centre is left. One
   * conditional update on (status, wave): of two instances acting on the same wave, one wins and
   * the other's update matches nothing. Null when another change got there first.
   */
  async advance(doc: RoadsideDocument): Promise<RoadsideDocument | null> {
    const now = this.clock();
    const offered = new Set(doc.offeredCentreIds);
    const wave =
      doc.wave < this.settings.waves
        ? nextWave(await this.candidates(doc.location, now), offered, this.settings.waveSize)
        : [];
    const expect = { status: doc.status, wave: doc.wave };
    let moved: RoadsideDocument | null;
    if (wave.length === 0) {
      const decided = roadsideTransition('exhaust', doc.status, 'system');
      if (!decided.ok) return null;
      moved = await this.store.move(
        doc._id,
        expect,
        decided.to,
        { dueAt: null },
        { status: decided.to, at: now, by: 'system' },
      );
      if (moved)
        this.logger.warn(
          { requestId: moved._id.toHexString(), waves: moved.wave },
          'roadside request unanswered: staff alerted',
        );
    } else {
      const decided = roadsideTransition('offer', doc.status, 'system');
      if (!decided.ok) return null;
      const number = doc.wave + 1;
      moved = await this.store.move(
        doc._id,
        expect,
        decided.to,
        // updatedAt from this clock: a wave within OFFERED has no history entry to date the move,
        // and the store's wall-clock fallback let another instance's sweep (which judges "old" by
        // this clock) re-announce a move still being announced.
        { wave: number, dueAt: new Date(now.getTime() + this.settings.waveSeconds * 1000), updatedAt: now },
        doc.status === decided.to ? null : { status: decided.to, at: now, by: 'system' },
        wave.map((c) => ({ centreId: c.centreId, wave: number, distanceKm: c.distanceKm, offeredAt: now })),
      );
      if (moved) this.onWave(moved);
    }
    if (moved) {
      await this.ended(moved);
      await this.events.changed(moved);
    }
    return moved;
  }

  private async candidates(location: LatLng, now: Date): Promise<RoadsideCandidate[]> {
    const found = await this.search.search({
      near: location,
      radiusKm: this.settings.radiusKm,
      service: ServiceKind.ROADSIDE,
      openAt: now,
      first: CANDIDATES_READ,
    });
    return found.edges.map(({ node }) => ({
      centreId: node.id,
      distanceKm: node.distanceKm ?? 0,
      rating: node.rating,
    }));
  }

  /**
   * A member of an offered centre takes the request: one conditional update (still OFFERED, and
   * offered to that centre), so of two partners accepting at once exactly one wins; the other
   * gets CONFLICT and sees it taken.
   */
  async accept(viewer: Viewer | undefined, id: string): Promise<RoadsideDocument> {
    const user = requireUser(viewer);
    const doc = await this.load(id);
    const mine = (await this.centres.ofMember(user.userId)).map((c) => c._id.toHexString());
    const centreId = doc.offeredCentreIds.find((c) => mine.includes(c));
    if (!centreId) throw new ForbiddenError('This request was not offered to a centre of yours');
    const decided = roadsideTransition('accept', doc.status, 'partner');
    if (!decided.ok) throw refusal(decided);
    const now = this.clock();
    const accepted = await this.store.move(
      doc._id,
      { status: 'OFFERED', offeredTo: centreId },
      decided.to,
      { dueAt: null, responder: { centreId, userId: user.userId, acceptedAt: now, location: null, locatedAt: null } },
      { status: decided.to, at: now, by: user.userId },
    );
    if (!accepted) {
      const current = await this.load(id);
      const again = roadsideTransition('accept', current.status, 'partner');
      throw again.ok ? new ConflictError('The request changed meanwhile; try again') : refusal(again);
    }
    await this.events.changed(accepted);
    return accepted;
  }

  /** The responder's position (the first one says they are on their way). */
  locate(viewer: Viewer | undefined, id: string, location: LatLng): Promise<RoadsideDocument> {
    const at = parseInput(geoPointSchema, location);
    return this.respond(viewer, id, 'locate', (doc, now) => ({
      responder: { ...doc.responder!, location: { lat: at.lat, lng: at.lng }, locatedAt: now },
    }));
  }

  arrive(viewer: Viewer | undefined, id: string): Promise<RoadsideDocument> {
    return this.respond(viewer, id, 'arrive', () => ({}));
  }

  /** Done: with a charge the request becomes payable (the payables route) until payments says it is paid. */
  complete(viewer: Viewer | undefined, id: string, charge: RoadsideChargeInput): Promise<RoadsideDocument> {
    const parsed = parseInput(chargeSchema, charge);
    return this.respond(viewer, id, 'complete', (_doc, now) => ({
      charge: parsed ? { amountMinor: parsed.amountMinor, currency: parsed.currency, completedAt: now } : null,
    }));
  }

  /** The driver no longer needs help. */
  async cancel(viewer: Viewer | undefined, id: string, reason: string | null | undefined): Promise<RoadsideDocument> {
    const user = requireUser(viewer);
    const why = parseInput(reasonSchema, reason) || null;
    const doc = await this.load(id);
    if (doc.customerId !== user.userId) throw new ForbiddenError('Only the driver who asked may cancel');
    const decided = roadsideTransition('cancel', doc.status, 'driver');
    if (!decided.ok) throw refusal(decided);
    const now = this.clock();
    const cancelled = await this.store.move(
      doc._id,
      { status: doc.status },
      decided.to,
      { dueAt: null, reason: why },
      { status: decided.to, at: now, by: user.userId },
    );
    if (!cancelled) throw new ConflictError('The request changed meanwhile; reload it and try again');
    await this.ended(cancelled);
    await this.events.changed(cancelled);
    return cancelled;
  }

  /** A request its driver, the responding centre's members or staff may read. */
  async read(viewer: Viewer | undefined, id: string): Promise<RoadsideDocument> {
    const user = requireUser(viewer);
    const doc = await this.load(id);
    if (doc.customerId === user.userId || isStaff(user)) return doc;
    if (doc.responder && (await this.isMember(user, doc.responder.centreId))) return doc;
    throw new ForbiddenError('Not your roadside request');
  }

  /** The requests offered to the centre and still open (its members, staff). */
  async openOffers(viewer: Viewer | undefined, centreId: string): Promise<RoadsideDocument[]> {
    await this.requireCentreMember(viewer, centreId);
    return this.store.openOffers([centreId], OPEN_OFFERS_LISTED);
  }

  /** The open offers to every centre the user is a member of, with the centres they are offered to. */
  async myOpenOffers(viewer: Viewer | undefined): Promise<{ doc: RoadsideDocument; centreIds: string[] }[]> {
    const user = requireUser(viewer);
    const mine = (await this.centres.ofMember(user.userId)).map((c) => c._id.toHexString());
    const docs = await this.store.openOffers(mine, OPEN_OFFERS_LISTED);
    return docs.map((doc) => ({ doc, centreIds: doc.offeredCentreIds.filter((c) => mine.includes(c)) }));
  }

  /** Refuses anyone but the centre's members and staff (NOT_FOUND for staff when there is no such centre). */
  async requireCentreMember(viewer: Viewer | undefined, centreId: string): Promise<void> {
    const user = requireUser(viewer);
    if (typeof centreId !== 'string' || !/^[0-9a-f]{24}$/.test(centreId))
      throw new BadUserInputError('centreId is not a valid id', 'centreId');
    const centre = await this.centres.findById(new ObjectId(centreId));
    if (!centre) {
      if (isStaff(user)) throw new NotFoundError('Service centre');
      throw new ForbiddenError("Only the centre's members see its roadside offers");
    }
    if (!isStaff(user) && !centre.memberIds.includes(user.userId))
      throw new ForbiddenError("Only the centre's members see its roadside offers");
  }

  /** Payments consumed `payments.payment.succeeded` for this request: marks it paid, once. */
  async markPaid(requestId: string, paymentId: string, at: Date): Promise<boolean> {
    const _id = /^[0-9a-f]{24}$/.test(requestId) ? new ObjectId(requestId) : null;
    if (!_id) return false;
    const paid = await this.store.markPaid(_id, paymentId, at);
    if (paid) await this.events.changed(paid);
    return paid !== null;
  }

  /** What payments charges for the request (the payables route's ROADSIDE resolver); null when unknown. */
  async payable(id: string): Promise<Payable | null> {
    const doc = await this.store.findById(id);
    if (!doc || !doc.responder) return null;
    const centre = await this.centres.findById(new ObjectId(doc.responder.centreId));
    const amountMinor = doc.charge?.amountMinor ?? 0;
    const description = `Roadside help (${doc.kind.toLowerCase().replace(/_/g, ' ')})`;
    return {
      kind: 'ROADSIDE',
      id: doc._id.toHexString(),
      customerId: doc.customerId,
      centreId: doc.responder.centreId,
      centreMemberIds: centre?.memberIds ?? [],
      status: doc.status,
      payable: doc.status === 'COMPLETED' && amountMinor > 0 && doc.payment === null,
      amountMinor,
      currency: doc.charge?.currency ?? 'EUR',
      description,
      lines: doc.charge ? [{ description, quantity: 1, unitAmountMinor: amountMinor }] : [],
    };
  }

  private async respond(
    viewer: Viewer | undefined,
    id: string,
    action: RoadsideAction,
    changes: (doc: RoadsideDocument, now: Date) => RoadsideChanges,
  ): Promise<RoadsideDocument> {
    const user = requireUser(viewer);
    const doc = await this.load(id);
    if (!doc.responder || !(await this.isMember(user, doc.responder.centreId))) {
      if (doc.customerId === user.userId) throw new ForbiddenError('Only the responder may do that');
      throw new ForbiddenError('Not a roadside request your centre responds to');
    }
    const decided = roadsideTransition(action, doc.status, 'partner');
    if (!decided.ok) throw refusal(decided);
    const now = this.clock();
    const moved = await this.store.move(
      doc._id,
      { status: doc.status, respondingCentre: doc.responder.centreId },
      decided.to,
      changes(doc, now),
      decided.to === doc.status ? null : { status: decided.to, at: now, by: user.userId },
    );
    if (!moved) throw new ConflictError('The request changed meanwhile; reload it and try again');
    await this.ended(moved);
    await this.events.changed(moved, { position: moved.status === doc.status, previousAnnounced: doc.announced });
    return moved;
  }

  private async isMember(user: UserViewer, centreId: string): Promise<boolean> {
    const centre = await this.centres.findById(new ObjectId(centreId));
    return centre?.memberIds.includes(user.userId) ?? false;
  }

  private async load(id: string): Promise<RoadsideDocument> {
    if (typeof id !== 'string' || !/^[0-9a-f]{24}$/.test(id)) throw new BadUserInputError('id is not a valid id', 'id');
    const doc = await this.store.findById(id);
    if (!doc) throw new NotFoundError('Roadside request');
    return doc;
  }
}

function requireUser(viewer: Viewer | undefined): UserViewer {
  if (!viewer) throw new UnauthenticatedError();
  if (viewer.kind !== 'user') throw new ForbiddenError('Roadside help needs a user account');
  return viewer;
}

function refusal(decided: { reason: 'FORBIDDEN' | 'CONFLICT'; message: string }) {
  return decided.reason === 'FORBIDDEN' ? new ForbiddenError(decided.message) : new ConflictError(decided.message);
}
