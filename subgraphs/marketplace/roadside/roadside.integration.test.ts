import { ObjectId } from 'mongodb';
import type { Viewer } from '../../../platform/auth/viewer.js';
import { ConflictError } from '../../../platform/errors.js';
import { InProcessEventBus } from '../../../platform/events/in-process.js';
import { createLogger } from '../../../platform/logger.js';
import { itServesEveryQueryFromAnIndex, recordQueries } from '../../../test/indexed-queries.js';
import { useScratchDatabase } from '../../../test/scratch-database.js';
import { CentreStore, type CentreProfile } from '../centres/centre.store.js';
import { ServiceKind, Weekday } from '../centres/centre.type.js';
import { ROADSIDE_UPDATED, type RoadsideUpdated } from '../contract.js';
import { NearbyService } from '../search/nearby.service.js';
import { centreTopic, RoadsideEvents } from './roadside-events.js';
import { RoadsideWaves } from './roadside-waves.js';
import { RoadsideService, type RoadsideSettings } from './roadside.service.js';
import { ROADSIDE_INDEXES, RoadsideStore } from './roadside.store.js';
import { VEHICLE_CLAIM_INDEXES, VehicleClaimStore } from './vehicle-claim.store.js';

/** Roadside requests against a real database: waves moved once across instances, one accept wins, and indexes. */
const db = useScratchDatabase('marketplace_roadside', { monitorCommands: true });
const recorder = recordQueries(db);
const logger = createLogger({ level: 'silent', service: 'test' });
const bus = new InProcessEventBus();
const appended: RoadsideUpdated[] = [];
const append = bus.append.bind(bus);
bus.append = async <T>(stream: string, payload: T) => {
  if (stream === ROADSIDE_UPDATED) appended.push(payload as RoadsideUpdated);
  return append(stream, payload);
};

let centres: CentreStore;
let store: RoadsideStore;
let now = new Date('2030-01-07T10:00:00Z');
const clock = () => now;
const driverId = new ObjectId().toHexString();
const driver: Viewer = { kind: 'user', userId: driverId, roles: ['CUSTOMER'] };
const access = { ownership: async (vehicleId: string) => ({ vehicleId, ownerId: driverId, active: true }) };
const ALWAYS: CentreProfile['openingHours'] = Object.values(Weekday).map((day) => ({
  day,
  opens: '00:00',
  closes: '24:00',
}));

async function roadsideCentre(
  name: string,
  lat: number,
  lng: number,
  hours: { timezone: string; opens: string; closes: string } = { timezone: 'UTC', opens: '00:00', closes: '24:00' },
) {
  const ownerId = new ObjectId().toHexString();
  const centre = await centres.createForApplication(
    new ObjectId(),
    ownerId,
    {
      name,
      address: `${name} 1`,
      phone: '+49 30 1234567',
      timezone: hours.timezone,
      services: [{ kind: ServiceKind.ROADSIDE, priceMinor: 7500, currency: 'EUR', durationMinutes: 60 }],
      openingHours: ALWAYS.map((h) => ({ ...h, opens: hours.opens, closes: hours.closes })),
      closures: [],
      bays: 1,
    },
    { lat, lng },
    now,
  );
  return {
    centreId: centre._id.toHexString(),
    partner: { kind: 'user', userId: ownerId, roles: ['PARTNER'] } as Viewer,
  };
}

/** One marketplace instance's roadside service and wave job on the shared database. */
function instance(settings: Partial<RoadsideSettings>) {
  const events = new RoadsideEvents(bus, store, logger);
  const waves = new RoadsideWaves(store, () => service, events, 60_000, logger, clock);
  const service = new RoadsideService(
    store,
    new VehicleClaimStore(db()),
    centres,
    new NearbyService(centres),
    access,
    events,
    logger,
    { waveSize: 1, waveSeconds: 60, waves: 2, radiusKm: 50, speedKmh: 40, ...settings },
    clock,
  );
  return { service, waves };
}

let a: { centreId: string; partner: Viewer };
let b: { centreId: string; partner: Viewer };
let c: { centreId: string; partner: Viewer };
const spot = { lat: 48.1372, lng: 11.5756 };

beforeAll(async () => {
  centres = new CentreStore(db());
  store = new RoadsideStore(db());
  await Promise.all([centres.init(), store.init()]);
  a = await roadsideCentre('A', 48.138, 11.576);
  b = await roadsideCentre('B', 48.145, 11.58);
  c = await roadsideCentre('C', 48.16, 11.6);
});
afterAll(() => bus.close());

describe('roadside waves across two instances', () => {
  it('moves each wave once however many instances act on it, then alerts staff once', async () => {
    const one = instance({});
    const two = instance({});
    const asked = await one.service.request(driver, { vehicleId: 'v-waves', location: spot, kind: 'TOWING' });
    expect(asked).toMatchObject({ status: 'OFFERED', wave: 1, offeredCentreIds: [a.centreId] });
    const id = asked._id.toHexString();

    // Nothing is due before the wave runs out.
    await Promise.all([one.waves.pass(), two.waves.pass()]);
    expect((await store.findById(id))!.wave).toBe(1);

    now = new Date(now.getTime() + 61_000);
    await Promise.all([one.waves.pass(), two.waves.pass(), one.waves.pass(), two.waves.pass()]);
    const second = (await store.findById(id))!;
    expect(second).toMatchObject({ status: 'OFFERED', wave: 2, offeredCentreIds: [a.centreId, b.centreId] });
    expect(second.offers.map((o) => o.wave)).toEqual([1, 2]);

    now = new Date(now.getTime() + 61_000);
    await Promise.all([one.waves.pass(), two.waves.pass(), one.waves.pass(), two.waves.pass()]);
    const given = (await store.findById(id))!;
    expect(given).toMatchObject({ status: 'UNANSWERED', dueAt: null, wave: 2 });
    // C was never offered it: two waves of one.
    expect(given.offeredCentreIds).not.toContain(c.centreId);
    expect(given.history.map((h) => h.status)).toEqual(['REQUESTED', 'OFFERED', 'UNANSWERED']);

    const mine = appended.filter((e) => e.requestId === id);
    expect(mine.map((e) => e.status)).toEqual(['REQUESTED', 'OFFERED', 'OFFERED', 'UNANSWERED']);
    const counts = async (w: RoadsideWaves) => (await w.outcomes.get()).values.map((v) => [v.labels.outcome, v.value]);
    const outcomes = [...(await counts(one.waves)), ...(await counts(two.waves))];
    const sum = (o: string) => outcomes.filter(([k]) => k === o).reduce((s, [, v]) => s + Number(v), 0);
    expect({ nextWave: sum('next_wave'), unanswered: sum('unanswered') }).toEqual({ nextWave: 1, unanswered: 1 });
    // A late accept finds it over.
    await expect(one.service.accept(a.partner, id)).rejects.toThrow(ConflictError);
  });

  it('gives the request to exactly one of the partners accepting at once', async () => {
    const one = instance({ waveSize: 3 });
    const two = instance({ waveSize: 3 });
    for (let round = 0; round < 5; round++) {
      const asked = await one.service.request(driver, {
        vehicleId: `v-race-${round}`,
        location: spot,
        kind: 'BATTERY',
      });
      const id = asked._id.toHexString();
      expect(asked.offeredCentreIds).toHaveLength(3);
      const outcomes = await Promise.allSettled([
        one.service.accept(a.partner, id),
        two.service.accept(b.partner, id),
        one.service.accept(c.partner, id),
        two.service.accept(a.partner, id),
      ]);
      const won = outcomes.filter((o) => o.status === 'fulfilled');
      const lost = outcomes.filter((o) => o.status === 'rejected') as PromiseRejectedResult[];
      expect(won).toHaveLength(1);
      expect(lost.map((o) => o.reason)).toEqual([
        expect.any(ConflictError),
        expect.any(ConflictError),
        expect.any(ConflictError),
      ]);
      const stored = (await store.findById(id))!;
      expect(stored.status).toBe('ACCEPTED');
      expect(stored.history.filter((h) => h.status === 'ACCEPTED')).toHaveLength(1);
    }
  });

  it('lets the responding centre see the vehicle only while it helps, and records a payment once', async () => {
    const { service } = instance({ waveSize: 2 });
    const asked = await service.request(driver, { vehicleId: 'v-helped', location: spot, kind: 'FLAT_TYRE' });
    const id = asked._id.toHexString();
    const all = [a.centreId, b.centreId, c.centreId];
    expect(await store.vehiclesHelpedBy(all, ['v-helped'])).toEqual([]);
    await service.accept(b.partner, id);
    expect(await store.vehiclesHelpedBy([b.centreId], ['v-helped', 'v-other'])).toEqual(['v-helped']);
    // Offered too, but did not take it.
    expect(await store.vehiclesHelpedBy([a.centreId], ['v-helped'])).toEqual([]);
    // The offered centre that lost hears of the status changes, not of every position.
    const heardByA: number[] = [];
    const stop = bus.subscribe<{ id: string; version: number }>(centreTopic(a.centreId), (v) => {
      if (v.id === id) heardByA.push(v.version);
    });
    await service.locate(b.partner, id, { lat: 48.14, lng: 11.578 });
    await service.locate(b.partner, id, { lat: 48.139, lng: 11.577 });
    await service.locate(b.partner, id, { lat: 48.138, lng: 11.576 });
    await service.arrive(b.partner, id);
    stop();
    expect(heardByA).toHaveLength(2); // EN_ROUTE (the first position) and ARRIVED
    // One durable event per status: the later positions add nothing the stream's payload carries.
    expect(appended.filter((e) => e.requestId === id).map((e) => e.status)).toEqual([
      'REQUESTED',
      'OFFERED',
      'ACCEPTED',
      'EN_ROUTE',
      'ARRIVED',
    ]);
    expect((await store.findById(id))!.announced).toBe(true);
    const done = await service.complete(b.partner, id, { amountMinor: 4500, currency: 'EUR' });
    expect(done).toMatchObject({ status: 'COMPLETED', charge: { amountMinor: 4500, currency: 'EUR' } });
    expect(await store.vehiclesHelpedBy([b.centreId], ['v-helped'])).toEqual([]);

    expect(await service.payable(id)).toMatchObject({ payable: true, amountMinor: 4500, centreId: b.centreId });
    const paymentId = new ObjectId().toHexString();
    expect(await service.markPaid(id, paymentId, now)).toBe(true);
    expect(await service.markPaid(id, paymentId, now)).toBe(false);
    expect(await service.payable(id)).toMatchObject({ payable: false, amountMinor: 4500 });
    expect((await store.findById(id))!.payment).toEqual({ paymentId, paidAt: now });
    expect(await service.payable(new ObjectId().toHexString())).toBeNull();
  });

  it('appends a change the bus refused on the wave job’s next pass', async () => {
    const { service, waves } = instance({ waveSize: 3 });
    const asked = await service.request(driver, { vehicleId: 'v-refused', location: spot, kind: 'BREAKDOWN' });
    const id = asked._id.toHexString();
    const working = bus.append;
    bus.append = async () => {
      throw new Error('the broker is down');
    };
    try {
      await expect(service.accept(c.partner, id)).resolves.toMatchObject({ status: 'ACCEPTED' });
    } finally {
      bus.append = working;
    }
    expect(appended.filter((e) => e.requestId === id).map((e) => e.status)).toEqual(['REQUESTED', 'OFFERED']);
    expect((await store.findById(id))!.announced).toBe(false);
    now = new Date(now.getTime() + 6_000);
    await waves.pass();
    expect(appended.filter((e) => e.requestId === id).map((e) => e.status)).toEqual([
      'REQUESTED',
      'OFFERED',
      'ACCEPTED',
    ]);
    expect((await store.findById(id))!.announced).toBe(true);
  });

  it('offers the request only to centres open now by their own time zone', async () => {
    // Now is 10:0xZ on a Monday: 19:0x in Tokyo, 11:0x in Berlin.
    const here = { lat: 35.6812, lng: 139.7671 };
    const tokyo = await roadsideCentre('Tokyo evenings', 35.69, 139.77, {
      timezone: 'Asia/Tokyo',
      opens: '18:00',
      closes: '22:00',
    });
    await roadsideCentre('Berlin mornings', 35.682, 139.768, {
      timezone: 'Europe/Berlin',
      opens: '06:00',
      closes: '10:30',
    });
    const { service } = instance({ waveSize: 5, waves: 1 });
    const asked = await service.request(driver, { vehicleId: 'v-zones', location: here, kind: 'BATTERY' });
    // The nearer Berlin-hours centre is closed there (10:30 Berlin has passed); Tokyo's is open.
    expect(asked.offeredCentreIds).toEqual([tokyo.centreId]);
  });

  it('keeps one request in progress per vehicle: a second is CONFLICT and stores nothing until the first is over', async () => {
    const one = instance({ waveSize: 3 });
    const two = instance({ waveSize: 3 });
    const input = { vehicleId: 'v-once', location: spot, kind: 'BREAKDOWN' as const };
    const both = await Promise.allSettled([one.service.request(driver, input), two.service.request(driver, input)]);
    const made = both.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    expect(made).toHaveLength(1);
    expect(both.filter((o) => o.status === 'rejected').map((o) => (o as PromiseRejectedResult).reason)).toEqual([
      expect.any(ConflictError),
    ]);
    const stored = async () =>
      (await store.forCustomer(driverId, { first: 100 })).edges.filter((e) => e.node.vehicleId === 'v-once');
    expect(await stored()).toHaveLength(1);
    await expect(one.service.request(driver, input)).rejects.toThrow(ConflictError);
    expect(await stored()).toHaveLength(1);
    // Over: the vehicle may ask again.
    await one.service.cancel(driver, made[0]!._id.toHexString(), null);
    const again = await two.service.request(driver, input);
    expect(again.status).toBe('OFFERED');
    expect(await stored()).toHaveLength(2);
    // A claim whose writer died before storing its request is taken over once it is old.
    const claims = new VehicleClaimStore(db());
    await claims.release('v-once', again._id.toHexString());
    expect(await claims.claim('v-once', new ObjectId().toHexString(), now)).toBeNull();
    await expect(one.service.request(driver, input)).rejects.toThrow(ConflictError);
    now = new Date(now.getTime() + 31_000);
    await expect(one.service.request(driver, input)).resolves.toMatchObject({ status: 'OFFERED' });
  });

  it('lists open offers per centre and staff lists by status', async () => {
    const { service } = instance({ waveSize: 3 });
    const asked = await service.request(driver, { vehicleId: 'v-list', location: spot, kind: 'OUT_OF_FUEL' });
    const id = asked._id.toHexString();
    expect((await store.openOffers([c.centreId], 10)).map((d) => d._id.toHexString())).toContain(id);
    expect((await store.withStatus('OFFERED', {})).edges.map((e) => e.node._id.toHexString())).toContain(id);
    expect((await store.forCustomer(driverId, { first: 100 })).edges.length).toBeGreaterThan(0);
    await service.cancel(driver, id, 'towed by a friend');
    expect((await store.openOffers([c.centreId], 10)).map((d) => d._id.toHexString())).not.toContain(id);
    // Announcements a refused bus left behind are found by the sweep's query.
    await store.unannounced(new Date(now.getTime() + 60_000), 10);
  });
});

itServesEveryQueryFromAnIndex(recorder, () => ({
  [RoadsideStore.collection]: ROADSIDE_INDEXES,
  [VehicleClaimStore.collection]: VEHICLE_CLAIM_INDEXES,
}));
