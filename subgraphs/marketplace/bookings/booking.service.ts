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
import type { CentreDocument } from '../centres/centre.store.js';
import { ServiceKind } from '../centres/centre.type.js';
import { transition, type BookingAction, type BookingActor } from './booking-state.js';
import type { BookingEvents } from './booking-events.js';
import { CLAIM_GRACE_MS, type BookingDocument, type BookingStore } from './booking.store.js';
import type { RequestKeyStore } from './request-key.store.js';
import type { SlotClaimStore } from './slot-claim.store.js';
import { NO_VEHICLE_ALERTS, type VehicleAlerts } from './vehicle-alerts.js';

export type UserViewer = Extract<Viewer, { kind: 'user' }>;

/** The centres bookings are made at (the centre store). */
export interface CentreSource {
  findById(id: ObjectId): Promise<CentreDocument | null>;
}

/**
 * Whether `start` begins a bookable slot of `durationMinutes` at the centre: opening hours in
 * its time zone, closures, the booking window. Null when it does; otherwise why not.
 * Bays and held bookings are not its business: the slot claim decides those.
 */
export type SlotRule = (centre: CentreDocument, durationMinutes: number, start: Date, now: Date) => string | null;

export interface BookingSettings {
  /** Customers may cancel or move a booking up to this long before its slot (default 2 h). */
  customerCutoffMinutes: number;
  /** A centre's members see a vehicle this long after completing its booking (default 30 days). */
  partnerVehicleAccessDays: number;
}

export const DEFAULT_BOOKING_SETTINGS: BookingSettings = { customerCutoffMinutes: 120, partnerVehicleAccessDays: 30 };

const objectId = (field: string) => z.string().regex(/^[0-9a-f]{24}$/, `${field} is not a valid id`);
const text = (max: number, field: string) => z.string().trim().max(max, `${field} must be at most ${max} characters`);

const requestSchema = z.object({
  centreId: objectId('centreId'),
  vehicleId: z.string().min(1).max(64, 'vehicleId is not a vehicle id'),
  service: z.enum(ServiceKind),
  slotStart: z.date(),
  notes: text(1000, 'notes').nullish(),
  idempotencyKey: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{8,100}$/, 'idempotencyKey must be 8 to 100 letters, digits or _.:-')
    .nullish(),
  alertId: z.string().min(1).max(64, 'alertId is not an alert id').nullish(),
});
export type BookingRequest = z.input<typeof requestSchema>;

const reasonSchema = text(500, 'reason').min(1, 'reason must not be empty');

const completionSchema = z.object({
  workDone: text(2000, 'workDone').min(1, 'workDone must not be empty'),
  odometerKm: z.number().min(0, 'odometerKm must not be negative').max(2_000_000).nullish(),
  partsReplaced: z.array(text(200, 'partsReplaced').min(1)).max(50, 'at most 50 parts').nullish(),
  totalMinor: z.number().int('totalMinor must be whole minor units').min(0).max(100_000_000),
});
export type CompletionRequest = z.input<typeof completionSchema>;

export class BookingService {
  constructor(
    private readonly bookings: BookingStore,
    private readonly claims: SlotClaimStore,
    private readonly keys: RequestKeyStore,
    private readonly centres: CentreSource,
    private readonly access: VehicleAccess,
    private readonly slotRule: SlotRule,
    private readonly events: BookingEvents,
    private readonly settings: BookingSettings = DEFAULT_BOOKING_SETTINGS,
    private readonly clock: () => Date = () => new Date(),
    private readonly alerts: VehicleAlerts = NO_VEHICLE_ALERTS,
  ) {}

  /**
   * Books a slot for the customer's own vehicle. A retry with the same idempotency key returns
   * the first booking; a slot whose bays are all held is CONFLICT and stores nothing.
   */
  async request(viewer: Viewer | undefined, input: BookingRequest): Promise<BookingDocument> {
    const user = requireUser(viewer);
    const now = this.clock();
    const parsed = parseInput(requestSchema, input);
    const key = parsed.idempotencyKey ? `${user.userId}:${parsed.idempotencyKey}` : null;
    const _id = new ObjectId();
    if (key) {
      const first = await this.firstWithKey(key, _id.toHexString(), now);
      if (first) return sameRequest(first, parsed);
    }
    try {
      return await this.book(user, parsed, key, _id, now);
    } catch (error) {
      // Nothing was stored: the key is free for a retry.
      if (key) await this.keys.release(key, _id.toHexString()).catch(() => undefined);
      throw error;
    }
  }

  /**
   * Claims the idempotency key for booking `bookingId`: null when it is now ours; the first
   * booking when a request with the key stored one; CONFLICT while another is still at it.
   */
  private async firstWithKey(key: string, bookingId: string, now: Date): Promise<BookingDocument | null> {
    for (let attempt = 0; attempt < 40; attempt++) {
      const first = await this.bookings.findByIdempotencyKey(key);
      if (first) return first;
      const holder = await this.keys.claim(key, bookingId, now);
      if (!holder) return null;
      if (now.getTime() - holder.claimedAt.getTime() > CLAIM_GRACE_MS) {
        await this.keys.release(key, holder.bookingId); // its writer died before storing anything
        continue;
      }
      await new Promise((resolve) => setTimeout(resolve, 50)); // a concurrent retry is storing it
    }
    throw new ConflictError('A request with this idempotencyKey is still being processed; retry it shortly');
  }

  private async book(
    user: UserViewer,
    parsed: z.output<typeof requestSchema>,
    key: string | null,
    _id: ObjectId,
    now: Date,
  ): Promise<BookingDocument> {
    const centre = await this.centres.findById(new ObjectId(parsed.centreId));
    if (!centre) throw new NotFoundError('Service centre');
    const ownership = await this.access.ownership(parsed.vehicleId);
    if (!ownership || !ownership.active || ownership.ownerId !== user.userId) {
      throw new ForbiddenError('You can book only for a vehicle of your own');
    }
    // Only an alert of the vehicle booked: another vehicle's would show up as this booking's cause.
    if (parsed.alertId && !(await this.alerts.belongs(parsed.vehicleId, parsed.alertId))) {
      throw new BadUserInputError('alertId is not an alert of this vehicle', 'alertId');
    }
    const offering = centre.services.find((s) => s.kind === parsed.service);
    if (!offering) throw new BadUserInputError(`${centre.name} does not offer ${parsed.service}`, 'service');
    if (parsed.slotStart.getTime() <= now.getTime())
      throw new BadUserInputError('slotStart is in the past', 'slotStart');
    const refusal = this.slotRule(centre, offering.durationMinutes, parsed.slotStart, now);
    if (refusal) throw new BadUserInputError(refusal, 'slotStart');

    const slotEnd = new Date(parsed.slotStart.getTime() + offering.durationMinutes * 60_000);
    const claimed = await this.claims.claim({
      centreId: parsed.centreId,
      bays: centre.bays,
      start: parsed.slotStart,
      end: slotEnd,
      bookingId: _id.toHexString(),
      owner: (claim) => this.bookings.claimOwner(claim, this.clock()),
      now,
    });
    if (!claimed) throw new ConflictError('That slot is fully booked; pick another one');
    const doc: BookingDocument = {
      _id,
      centreId: parsed.centreId,
      vehicleId: parsed.vehicleId,
      customerId: user.userId,
      service: parsed.service,
      slotStart: parsed.slotStart,
      slotEnd,
      bay: claimed.bay,
      claims: claimed.claims,
      status: 'REQUESTED',
      notes: parsed.notes || null,
      alertId: parsed.alertId ?? null,
      idempotencyKey: key ?? `auto:${_id.toHexString()}`,
      priceMinor: offering.priceMinor,
      currency: offering.currency,
      reason: null,
      completion: null,
      announceDue: now,
      history: [{ status: 'REQUESTED', at: now, by: user.userId, reason: null }],
      createdAt: now,
      updatedAt: now,
    };
    if (!(await this.bookings.insert(doc))) {
      // A concurrent retry with the same key stored its booking first: that one is the answer.
      await this.claims.release(doc._id.toHexString(), claimed.claims);
      const first = key ? await this.bookings.findByIdempotencyKey(key) : null;
      if (!first) throw new ConflictError('This request is being processed; retry it');
      return sameRequest(first, parsed);
    }
    await this.events.changed(doc);
    return doc;
  }

  confirm(viewer: Viewer | undefined, id: string) {
    return this.act(viewer, id, 'confirm', () => ({}));
  }

  decline(viewer: Viewer | undefined, id: string, reason: string) {
    const why = parseInput(reasonSchema, reason);
    return this.act(viewer, id, 'decline', () => ({ reason: why }), why);
  }

  start(viewer: Viewer | undefined, id: string) {
    return this.act(viewer, id, 'start', () => ({}));
  }

  noShow(viewer: Viewer | undefined, id: string) {
    return this.act(viewer, id, 'noShow', () => ({}));
  }

  cancel(viewer: Viewer | undefined, id: string, reason: string | null | undefined) {
    const why = reason === null || reason === undefined ? null : parseInput(reasonSchema, reason);
    return this.act(
      viewer,
      id,
      'cancel',
      (actor) => {
        if (actor === 'partner' && !why)
          throw new BadUserInputError('A centre cancelling must give a reason', 'reason');
        return { reason: why };
      },
      why,
    );
  }

  /**
   * Records the work and tells health (a durable stream). The completion is stored first; when
   * the announcement then fails, the mutation fails, and the centre's retry announces the stored
   * completion instead of refusing a COMPLETED booking (health dedupes on the booking id).
   */
  async complete(viewer: Viewer | undefined, id: string, input: CompletionRequest): Promise<BookingDocument> {
    const parsed = parseInput(completionSchema, input);
    const stored = await this.bookings.findById(id);
    if (stored?.status === 'COMPLETED' && stored.completion && !stored.completion.announced) {
      const user = requireUser(viewer);
      if (this.actorFor(user, stored, await this.centreOf(stored), 'complete') !== 'partner')
        throw new ForbiddenError('Only the partner may complete a booking');
      return this.announce(stored);
    }
    const done = await this.act(viewer, id, 'complete', (_actor, booking, now) => ({
      completion: {
        workDone: parsed.workDone,
        odometerKm: parsed.odometerKm ?? null,
        partsReplaced: parsed.partsReplaced ?? [],
        totalMinor: parsed.totalMinor,
        currency: booking.currency,
        completedAt: now,
        announced: false,
      },
    }));
    return this.announce(done);
  }

  private async announce(done: BookingDocument): Promise<BookingDocument> {
    await this.events.completed(done);
    return (await this.bookings.markAnnounced(done._id)) ?? done;
  }

  /** Moves the booking to another available slot; the centre confirms it again. */
  async reschedule(viewer: Viewer | undefined, id: string, slotStart: Date): Promise<BookingDocument> {
    const user = requireUser(viewer);
    const now = this.clock();
    const booking = await this.load(id);
    const centre = await this.centreOf(booking);
    const actor = this.actorFor(user, booking, centre, 'reschedule');
    const decided = transition('reschedule', this.context(booking, actor, now));
    if (!decided.ok) throw refusal(decided);
    if (!(slotStart instanceof Date) || Number.isNaN(slotStart.getTime()))
      throw new BadUserInputError('slotStart is not a time', 'slotStart');
    if (slotStart.getTime() <= now.getTime()) throw new BadUserInputError('slotStart is in the past', 'slotStart');
    const offering = centre.services.find((s) => s.kind === booking.service);
    if (!offering) throw new BadUserInputError(`${centre.name} no longer offers ${booking.service}`, 'service');
    const why = this.slotRule(centre, offering.durationMinutes, slotStart, now);
    if (why) throw new BadUserInputError(why, 'slotStart');
    const slotEnd = new Date(slotStart.getTime() + offering.durationMinutes * 60_000);
    const bookingId = booking._id.toHexString();
    const claimed = await this.claims.claim({
      centreId: booking.centreId,
      bays: centre.bays,
      start: slotStart,
      end: slotEnd,
      bookingId,
      owner: (claim) => this.bookings.claimOwner(claim, this.clock()),
      now,
    });
    if (!claimed) throw new ConflictError('That slot is fully booked; pick another one');
    const moved = await this.bookings.transition(
      booking._id,
      booking.status,
      { status: decided.to, slotStart, slotEnd, bay: claimed.bay, claims: claimed.claims },
      { status: decided.to, at: now, by: user.userId, reason: `moved from ${booking.slotStart.toISOString()}` },
    );
    if (!moved) {
      await this.claims.release(
        bookingId,
        claimed.claims.filter((c) => !booking.claims.includes(c)),
      );
      throw new ConflictError('The booking changed meanwhile; reload it and try again');
    }
    await this.claims.release(
      bookingId,
      booking.claims.filter((c) => !claimed.claims.includes(c)),
    );
    await this.events.changed(moved);
    return moved;
  }

  /** A booking its customer, its centre's members or staff may read. */
  async read(viewer: Viewer | undefined, id: string): Promise<BookingDocument> {
    const user = requireUser(viewer);
    const booking = await this.load(id);
    if (booking.customerId === user.userId || isStaff(user)) return booking;
    const centre = await this.centreOf(booking);
    if (centre.memberIds.includes(user.userId)) return booking;
    throw new ForbiddenError('Not your booking');
  }

  private async act(
    viewer: Viewer | undefined,
    id: string,
    action: BookingAction,
    changes: (
      actor: BookingActor,
      booking: BookingDocument,
      now: Date,
    ) => Partial<Pick<BookingDocument, 'reason' | 'completion'>>,
    reason: string | null = null,
  ): Promise<BookingDocument> {
    const user = requireUser(viewer);
    const now = this.clock();
    const booking = await this.load(id);
    const centre = await this.centreOf(booking);
    const actor = this.actorFor(user, booking, centre, action);
    const decided = transition(action, this.context(booking, actor, now));
    if (!decided.ok) throw refusal(decided);
    const set = changes(actor, booking, now);
    const releases = decided.to !== 'CONFIRMED' && decided.to !== 'IN_PROGRESS';
    const updated = await this.bookings.transition(
      booking._id,
      booking.status,
      { status: decided.to, ...set, ...(releases ? { claims: [] } : {}) },
      { status: decided.to, at: now, by: user.userId, reason },
    );
    if (!updated) throw new ConflictError('The booking changed meanwhile; reload it and try again');
    // The booking no longer names its claims: a failure here leaves them stale, and the next
    // booking that needs the cells takes them over (SlotClaimStore).
    if (releases) await this.claims.release(booking._id.toHexString(), booking.claims).catch(() => undefined);
    await this.events.changed(updated);
    return updated;
  }

  private actorFor(
    user: UserViewer,
    booking: BookingDocument,
    centre: CentreDocument,
    action: BookingAction,
  ): BookingActor {
    const isCustomer = booking.customerId === user.userId;
    const isMember = centre.memberIds.includes(user.userId);
    if (!isCustomer && !isMember) throw new ForbiddenError('Not your booking');
    if (isCustomer && isMember) return action === 'cancel' || action === 'reschedule' ? 'customer' : 'partner';
    return isCustomer ? 'customer' : 'partner';
  }

  private context(booking: BookingDocument, actor: BookingActor, now: Date) {
    return {
      status: booking.status,
      actor,
      slotStart: booking.slotStart,
      now,
      customerCutoffMs: this.settings.customerCutoffMinutes * 60_000,
    };
  }

  private async load(id: string): Promise<BookingDocument> {
    if (typeof id !== 'string' || !/^[0-9a-f]{24}$/.test(id)) throw new BadUserInputError('id is not a valid id', 'id');
    const booking = await this.bookings.findById(id);
    if (!booking) throw new NotFoundError('Booking');
    return booking;
  }

  private async centreOf(booking: BookingDocument): Promise<CentreDocument> {
    const centre = await this.centres.findById(new ObjectId(booking.centreId));
    if (!centre) throw new NotFoundError('Service centre');
    return centre;
  }
}

function requireUser(viewer: Viewer | undefined): UserViewer {
  if (!viewer) throw new UnauthenticatedError();
  if (viewer.kind !== 'user') throw new ForbiddenError('Bookings need a user account');
  return viewer;
}

function refusal(decided: { reason: 'FORBIDDEN' | 'CONFLICT'; message: string }) {
  return decided.reason === 'FORBIDDEN' ? new ForbiddenError(decided.message) : new ConflictError(decided.message);
}

/** A retry must ask for what the first request asked for; the same key for another booking is a client bug. */
function sameRequest(first: BookingDocument, asked: z.output<typeof requestSchema>): BookingDocument {
  const same =
    first.centreId === asked.centreId &&
    first.vehicleId === asked.vehicleId &&
    first.service === asked.service &&
    first.history[0]?.status === 'REQUESTED' &&
    (first.slotStart.getTime() === asked.slotStart.getTime() || first.history.length > 1);
  if (!same) throw new ConflictError('idempotencyKey was already used for another booking');
  return first;
}
