import { ObjectId } from 'mongodb';
import { pino } from 'pino';
import type { Viewer } from '../../../platform/auth/viewer.js';
import type { EventBus } from '../../../platform/events/bus.js';
import { useScratchDatabase } from '../../../test/scratch-database.js';
import type { CentreDocument } from '../centres/centre.store.js';
import { BOOKING_COMPLETED } from '../contract.js';
import { BookingEvents } from './booking-events.js';
import { resolveBookingReference } from './booking-updates.resolver.js';
import { BookingService } from './booking.service.js';
import { BookingStore } from './booking.store.js';
import { RequestKeyStore } from './request-key.store.js';
import { SlotClaimStore } from './slot-claim.store.js';

const customer: Viewer = { kind: 'user', userId: 'customer', roles: ['CUSTOMER'] };
const mechanic: Viewer = { kind: 'user', userId: 'mechanic', roles: ['PARTNER'] };
const centreId = new ObjectId();
const centre = {
  _id: centreId,
  name: 'Garage',
  bays: 1,
  memberIds: ['mechanic'],
  services: [{ kind: 'OIL_CHANGE', priceMinor: 8900, currency: 'EUR', durationMinutes: 60 }],
} as unknown as CentreDocument;

/** A bus whose durable appends fail while `down`; live publishes always go through. */
function flakyBus() {
  const appended: unknown[] = [];
  const bus = {
    down: false,
    appended,
    publish: async () => undefined,
    append: async (stream: string, payload: unknown) => {
      if (bus.down) throw new Error('bus down');
      appended.push({ stream, payload });
      return `${appended.length}-0`;
    },
  };
  return bus;
}

describe('BookingService', () => {
  const db = useScratchDatabase('booking_service');
  const now = new Date('2026-03-02T08:00:00Z');
  let bus: ReturnType<typeof flakyBus>;
  let service: BookingService;
  let bookings: BookingStore;

  beforeAll(async () => {
    bookings = new BookingStore(db());
    const claims = new SlotClaimStore(db());
    const keys = new RequestKeyStore(db());
    await Promise.all([bookings.init(), claims.init(), keys.init()]);
    bus = flakyBus();
    service = new BookingService(
      bookings,
      claims,
      keys,
      { findById: async (id) => (id.equals(centreId) ? centre : null) },
      { ownership: async (vehicleId) => ({ vehicleId, ownerId: 'customer', active: true }) },
      () => null,
      new BookingEvents(bus as unknown as EventBus, bookings, pino({ level: 'silent' })),
      { customerCutoffMinutes: 120, partnerVehicleAccessDays: 30 },
      () => now,
    );
  });

  it("announces a stored completion on the centre's retry when the first announcement failed", async () => {
    const booked = await service.request(customer, {
      centreId: centreId.toHexString(),
      vehicleId: 'v1',
      service: 'OIL_CHANGE' as never,
      slotStart: new Date('2026-03-03T10:00:00Z'),
    });
    const id = booked._id.toHexString();
    await service.confirm(mechanic, id);
    await service.start(mechanic, id);
    bus.down = true;
    const work = { workDone: 'Oil', odometerKm: 1000, partsReplaced: [], totalMinor: 8900 };
    await expect(service.complete(mechanic, id, work)).rejects.toThrow('bus down');
    expect((await bookings.findById(id))?.completion).toMatchObject({ workDone: 'Oil', announced: false });
    const completions = () => bus.appended.filter((e) => (e as { stream: string }).stream === BOOKING_COMPLETED);
    expect(completions()).toHaveLength(0);

    bus.down = false;
    // only the centre may retry it
    await expect(service.complete(customer, id, work)).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    const retried = await service.complete(mechanic, id, { ...work, workDone: 'ignored: already stored' });
    expect(retried.completion).toMatchObject({ workDone: 'Oil', announced: true });
    expect(completions()).toEqual([{ stream: BOOKING_COMPLETED, payload: expect.objectContaining({ bookingId: id }) }]);
    // once announced, completing again is the conflict it always was
    await expect(service.complete(mechanic, id, work)).rejects.toMatchObject({ extensions: { code: 'CONFLICT' } });
    expect(completions()).toHaveLength(1);
  });

  it('judges a claim in the way: young ones hold, old ones only while a holding booking names them', async () => {
    const claim = (bookingId: string, ageMs: number) => ({
      _id: `${centreId.toHexString()}:0:123`,
      centreId: centreId.toHexString(),
      bay: 0,
      cell: new Date(0),
      bookingId,
      claimedAt: new Date(now.getTime() - ageMs),
    });
    const nobody = new ObjectId().toHexString();
    expect(await bookings.claimOwner(claim(nobody, 1_000), now)).toBe('holds');
    expect(await bookings.claimOwner(claim(nobody, 120_000), now)).toBe('stale');
    const held = await service.request(customer, {
      centreId: centreId.toHexString(),
      vehicleId: 'v2',
      service: 'OIL_CHANGE' as never,
      slotStart: new Date('2026-03-04T10:00:00Z'),
    });
    const named = { ...claim(held._id.toHexString(), 120_000), _id: held.claims[0]! };
    expect(await bookings.claimOwner(named, now)).toBe('holds');
    expect(await bookings.claimOwner({ ...named, _id: 'not-one-of-its-claims' }, now)).toBe('stale');
    await service.cancel(customer, held._id.toHexString(), null);
    expect(await bookings.claimOwner(named, now)).toBe('stale');
  });

  it("resolves another subgraph's Booking reference under booking(id)'s rule", async () => {
    const made = await service.request(customer, {
      centreId: centreId.toHexString(),
      vehicleId: 'v3',
      service: 'OIL_CHANGE' as never,
      slotStart: new Date('2026-03-05T10:00:00Z'),
    });
    const id = made._id.toHexString();
    const context = (viewer: Viewer) =>
      ({ viewer, bookingsLive: { read: (v: Viewer | undefined, b: string) => service.read(v, b) } }) as never;
    expect(await resolveBookingReference({ id }, context(customer))).toMatchObject({ id, status: 'REQUESTED' });
    expect(await resolveBookingReference({ id }, context(mechanic))).toMatchObject({ id });
    const stranger: Viewer = { kind: 'user', userId: 'stranger', roles: ['CUSTOMER'] };
    await expect(resolveBookingReference({ id }, context(stranger))).rejects.toMatchObject({
      extensions: { code: 'FORBIDDEN' },
    });
  });
});
