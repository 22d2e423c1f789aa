import { ObjectId } from 'mongodb';
import { pino } from 'pino';
import type { Viewer } from '../../../platform/auth/viewer.js';
import type { EventBus } from '../../../platform/events/bus.js';
import { itServesEveryQueryFromAnIndex, recordQueries } from '../../../test/indexed-queries.js';
import { useScratchDatabase } from '../../../test/scratch-database.js';
import type { CentreDocument } from '../centres/centre.store.js';
import { BOOKING_CHANGED, type BookingChanged } from '../contract.js';
import { BookingAnnouncer } from './booking-announcer.js';
import { BookingEvents } from './booking-events.js';
import { BookingService } from './booking.service.js';
import { BOOKING_INDEXES, BookingStore } from './booking.store.js';
import { RequestKeyStore } from './request-key.store.js';
import { SlotClaimStore } from './slot-claim.store.js';

const customer: Viewer = { kind: 'user', userId: 'customer', roles: ['CUSTOMER'] };
const mechanic: Viewer = { kind: 'user', userId: 'mechanic', roles: ['PARTNER'] };
const centreId = new ObjectId();
const centre = {
  _id: centreId,
  name: 'Garage',
  bays: 3,
  memberIds: ['mechanic'],
  services: [{ kind: 'OIL_CHANGE', priceMinor: 8900, currency: 'EUR', durationMinutes: 60 }],
} as unknown as CentreDocument;
const GRACE_MS = 10_000;
const logger = pino({ level: 'silent' });

/** A bus whose durable appends fail while `down` (a broker that is down); live publishes go through. */
function flakyBus() {
  const appended: { stream: string; payload: BookingChanged }[] = [];
  const bus = {
    down: false,
    appended,
    publish: async () => undefined,
    append: async (stream: string, payload: unknown) => {
      if (bus.down) throw new Error('bus down');
      appended.push({ stream, payload: JSON.parse(JSON.stringify(payload)) as BookingChanged });
      return `${appended.length}-0`;
    },
  };
  return bus;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('BookingAnnouncer (marketplace.booking.changed the bus refused)', () => {
  const db = useScratchDatabase('booking_announcer', { monitorCommands: true });
  const recorder = recordQueries(db);
  let now = new Date('2026-03-02T08:00:00Z');
  const clock = () => now;
  let bus: ReturnType<typeof flakyBus>;
  let bookings: BookingStore;
  let service: BookingService;
  /** Two marketplace instances' sweeps over one database and one bus. */
  let instances: BookingAnnouncer[];
  let slot = 0;

  const book = () =>
    service.request(customer, {
      centreId: centreId.toHexString(),
      vehicleId: `v${++slot}`,
      service: 'OIL_CHANGE' as never,
      slotStart: new Date(Date.UTC(2026, 2, 3 + slot, 10)),
    });
  const sent = (id: string) => bus.appended.filter((e) => e.stream === BOOKING_CHANGED && e.payload.bookingId === id);

  beforeAll(async () => {
    bookings = new BookingStore(db());
    const claims = new SlotClaimStore(db());
    const keys = new RequestKeyStore(db());
    await Promise.all([bookings.init(), claims.init(), keys.init()]);
    bus = flakyBus();
    const events = () => new BookingEvents(bus as unknown as EventBus, bookings, logger);
    service = new BookingService(
      bookings,
      claims,
      keys,
      { findById: async (id) => (id.equals(centreId) ? centre : null) },
      { ownership: async (vehicleId) => ({ vehicleId, ownerId: 'customer', active: true }) },
      () => null,
      events(),
      { customerCutoffMinutes: 120, partnerVehicleAccessDays: 30 },
      clock,
    );
    instances = [0, 1].map(
      () => new BookingAnnouncer(bookings, events(), logger, { intervalMs: 20, graceMs: GRACE_MS }, clock),
    );
  });

  afterAll(() => Promise.all(instances.map((i) => i.stop())));

  it('answers the mutations while the bus refuses, then the job appends the change once, with its stable payload', async () => {
    bus.down = true;
    const booked = await book();
    const id = booked._id.toHexString();
    now = new Date(now.getTime() + 1_000);
    const confirmed = await service.confirm(mechanic, id);
    expect(confirmed.status).toBe('CONFIRMED');
    expect(sent(id)).toHaveLength(0);
    expect((await bookings.findById(id))?.announceDue).toEqual(confirmed.updatedAt);

    bus.down = false;
    for (const instance of instances) instance.start();
    await sleep(150); // passes run, but the change is younger than the grace: its own request may still be at it
    expect(sent(id)).toHaveLength(0);

    now = new Date(now.getTime() + GRACE_MS + 1);
    for (let i = 0; i < 100 && sent(id).length === 0; i++) await sleep(20);
    await sleep(200); // many more passes of both instances
    // The booking as it is now (one event for the changes missed), in the consumers' dedupe key: bookingId + status + at.
    expect(sent(id)).toEqual([
      {
        stream: BOOKING_CHANGED,
        payload: expect.objectContaining({
          bookingId: id,
          status: 'CONFIRMED',
          customerId: 'customer',
          centreId: centreId.toHexString(),
          at: confirmed.updatedAt.toISOString(),
        }),
      },
    ]);
    expect((await bookings.findById(id))?.announceDue).toBeNull();
    await Promise.all(instances.map((i) => i.stop()));
  });

  it('appends a change once when two instances race over it, and again only after a pass the bus refused', async () => {
    bus.down = true;
    const booked = await book();
    const id = booked._id.toHexString();
    now = new Date(now.getTime() + GRACE_MS + 1);

    // a pass while the bus is still down: nothing sent, the change stays due (one grace later)
    await Promise.all(instances.map((i) => i.runOnce()));
    expect(sent(id)).toHaveLength(0);
    expect((await bookings.findById(id))?.announceDue).toEqual(now);

    bus.down = false;
    await Promise.all(instances.map((i) => i.runOnce()));
    expect(sent(id)).toHaveLength(0); // taken by the refused pass just now: due again one grace later
    now = new Date(now.getTime() + GRACE_MS + 1);
    await Promise.all([...instances, ...instances].map((i) => i.runOnce()));
    expect(sent(id).map((e) => e.payload.status)).toEqual(['REQUESTED']);
    await Promise.all(instances.map((i) => i.runOnce()));
    expect(sent(id)).toHaveLength(1);
  });

  it('sends a change the bus took at once only once: the sweep finds nothing due', async () => {
    const booked = await book();
    const id = booked._id.toHexString();
    expect(sent(id).map((e) => e.payload.status)).toEqual(['REQUESTED']);
    expect((await bookings.findById(id))?.announceDue).toBeNull();
    now = new Date(now.getTime() + GRACE_MS + 1);
    await Promise.all(instances.map((i) => i.runOnce()));
    expect(sent(id)).toHaveLength(1);
  });

  itServesEveryQueryFromAnIndex(recorder, () => ({ [BookingStore.collection]: BOOKING_INDEXES }));
});
