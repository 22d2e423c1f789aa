import { ObjectId } from 'mongodb';
import { Registry } from 'prom-client';
import { useScratchDatabase } from '../../../test/scratch-database.js';
import { haversineKm } from '../geo/haversine.js';
import { compareNearby } from '../search/nearby-cursor.js';
import { NearbyMetrics } from '../search/nearby-metrics.js';
import { NearbyService } from '../search/nearby.service.js';
import {
  CENTRE_LOCATION_LAYOUT,
  CentreLocationStore,
  locationOf,
  readLocation,
  type CentreLocationDocument,
} from './centre-location.store.js';
import { CentreStore, type CentreDocument, type CentreProfile } from './centre.store.js';
import { ServiceKind, Weekday } from './centre.type.js';
import { openAtChecker } from './opening-hours.js';

/** The search's compact copy of each centre (`centre_locations`): kept in step, repaired, and searched as the centres were. */
const db = useScratchDatabase('marketplace_centre_locations');
let centres: CentreStore;
const locations = () => db().collection<CentreLocationDocument>(CentreLocationStore.collection);
const raw = () => db().collection<CentreDocument>(CentreStore.collection);

beforeAll(async () => {
  centres = new CentreStore(db());
  await centres.init();
});

const KINDS = Object.values(ServiceKind);
const ZONES = ['UTC', 'Europe/London', 'America/New_York', 'Asia/Tokyo'];

const profile = (name: string, kinds: ServiceKind[] = [ServiceKind.OIL_CHANGE]): CentreProfile => ({
  name,
  address: `${name} 1`,
  phone: '+1 555 0100',
  timezone: 'UTC',
  services: kinds.map((kind) => ({ kind, priceMinor: 5000, currency: 'USD', durationMinutes: 60 })),
  openingHours: [{ day: Weekday.MONDAY, opens: '08:00', closes: '17:00' }],
  closures: [],
  bays: 2,
});

const create = (name: string, lat: number, lng: number, p = profile(name)) =>
  centres.createForApplication(new ObjectId(), new ObjectId().toHexString(), p, { lat, lng }, new Date());

describe('centre locations', () => {
  it('are written with the centre and follow every profile, services, hours and closures edit', async () => {
    const centre = await create('Step', 51.5, -0.12);
    expect(await locations().findOne({ _id: centre._id })).toEqual(locationOf(centre));
    expect(readLocation((await locations().findOne({ _id: centre._id }))!)).toMatchObject({
      name: 'Step',
      serviceKinds: [ServiceKind.OIL_CHANGE],
    });

    const edited = await centres.updateProfile(
      centre._id,
      {
        timezone: 'Europe/London',
        services: profile('x', [ServiceKind.BRAKES, ServiceKind.TYRES]).services,
        openingHours: [{ day: Weekday.FRIDAY, opens: '10:00', closes: '12:00' }],
        closures: [{ from: '2027-01-01', to: '2027-01-02', reason: 'Holiday' }],
      },
      new Date(),
    );
    const location = await locations().findOne({ _id: centre._id });
    expect(location).toEqual(locationOf(edited!));
    expect(location).toMatchObject({ version: 1, layout: CENTRE_LOCATION_LAYOUT });
    expect(readLocation(location!)).toEqual({
      _id: centre._id,
      name: 'Step',
      location: { lat: 51.5, lng: -0.12 },
      serviceKinds: [ServiceKind.BRAKES, ServiceKind.TYRES],
      timezone: 'Europe/London',
      hours: '5 10:00 12:00',
      closed: '2027-01-01 2027-01-02',
    });
    // Only what a search needs (the name, for a page of names and distances): no members, address
    // or prices, and everything but the indexed cells in one string.
    expect(Object.keys(location!).sort()).toEqual(
      ['_id', 'cell2', 'cell3', 'cell4', 'cell5', 'cell6', 'layout', 'summary', 'version'].sort(),
    );
    expect(location!.summary).not.toMatch(/Step 1|5000|USD|Holiday/);

    const nearby = new NearbyService(centres);
    const near = { lat: 51.5, lng: -0.12 };
    expect((await nearby.search({ near, radiusKm: 1, service: ServiceKind.BRAKES })).edges).toHaveLength(1);
    expect((await nearby.search({ near, radiusKm: 1, service: ServiceKind.OIL_CHANGE })).edges).toHaveLength(0);
  });

  it('never lets an older follow-up replace a newer copy', async () => {
    const centre = await create('Order', 48.85, 2.35);
    const edited = (await centres.updateProfile(
      centre._id,
      { services: profile('x', [ServiceKind.BATTERY]).services },
      new Date(),
    ))!;
    await new CentreLocationStore(db()).follow(centre);
    expect(await locations().findOne({ _id: centre._id })).toEqual(locationOf(edited));
  });

  it('are repaired at start-up after a crash between the centre write and its follow-up', async () => {
    const lost = await create('Lost', 40.7, -74.0);
    const stale = await create('Stale', 40.71, -74.0);
    // A crash after the centre write: its location never written, or not brought up to date.
    await locations().deleteOne({ _id: lost._id });
    await raw().updateOne(
      { _id: stale._id },
      { $set: { services: profile('x', [ServiceKind.COOLING]).services }, $inc: { version: 1 } },
    );
    const nearby = new NearbyService(centres);
    const near = { lat: 40.705, lng: -74.0 };
    expect((await nearby.search({ near, radiusKm: 5 })).edges.map((e) => e.node.name)).toEqual(['Stale']);

    const restarted = new CentreStore(db());
    await restarted.init();
    const after = new NearbyService(restarted);
    const names = (await after.search({ near, radiusKm: 5 })).edges.map((e) => e.node.name);
    expect(names.sort()).toEqual(['Lost', 'Stale']);
    const cooling = await after.search({ near, radiusKm: 5, service: ServiceKind.COOLING });
    expect(cooling.edges.map((e) => e.node.name)).toEqual(['Stale']);
    expect(await locations().findOne({ _id: lost._id })).toEqual(locationOf((await raw().findOne({ _id: lost._id }))!));
    // Nothing left to repair.
    expect(await restarted.reconcileLocations()).toBe(0);
  });

  it('are read once per search: a wider circle of the same precision reads only the cells it adds', async () => {
    // 12 centres within about 1 km of a point, 20 more about 2.5 km away: the 2 km circle finds
    // 12 of the 21 needed, the next (about 3.3 km, the same precision) finds the rest.
    const point = { lat: 1.35, lng: 103.82 };
    for (let i = 0; i < 12; i++)
      await create(`Near ${i}`, point.lat + (i % 4) * 0.002, point.lng + Math.floor(i / 4) * 0.002);
    for (let i = 0; i < 20; i++) {
      const angle = (i / 20) * 2 * Math.PI;
      await create(`Ring ${i}`, point.lat + 0.0225 * Math.sin(angle), point.lng + 0.0225 * Math.cos(angle));
    }
    const metrics = new NearbyMetrics();
    const registry = new Registry();
    metrics.register(registry);
    const page = await new NearbyService(centres, metrics).search({ near: point, radiusKm: 10, first: 20 });
    expect(page.edges).toHaveLength(20);
    expect(page.edges.slice(0, 12).every((e) => e.node.name.startsWith('Near'))).toBe(true);
    const values = async (name: string) =>
      (
        (await registry.getMetricsAsJSON()).find((m) => m.name === name) as unknown as {
          values: { metricName: string; value: number }[];
        }
      ).values;
    const sum = async (name: string) => (await values(name)).find((v) => v.metricName.endsWith('_sum'))!.value;
    expect(await sum('marketplace_nearby_circles')).toBe(2);
    // Each centre read at most once (doubling to 4 km read the first circle's 12 again: 44).
    expect(await sum('marketplace_nearby_centres_read')).toBeLessThanOrEqual(32);
  });

  it('of an older layout are read as they are, and replaced whole by the current one at start-up', async () => {
    const centre = await create('Layout', -33.86, 151.2, profile('Layout', [ServiceKind.TYRES]));
    const { summary, layout, ...cells } = locationOf(centre);
    const oldCopy = {
      ...cells,
      location: { lat: -33.86, lng: 151.2 },
      serviceKinds: [ServiceKind.TYRES],
      timezone: 'UTC',
      hours: '1 08:00 17:00',
      closed: '',
    };
    const nearby = new NearbyService(centres);
    const near = { lat: -33.86, lng: 151.2 };
    for (const old of [
      { ...oldCopy, name: undefined },
      { ...oldCopy, name: 'Layout', layout: 2 },
    ]) {
      await locations().deleteOne({ _id: centre._id });
      const { name, ...fields } = old;
      await db()
        .collection(CentreLocationStore.collection)
        .insertOne(name === undefined ? fields : old);
      const page = await nearby.searchCompact({ near, radiusKm: 1, service: ServiceKind.TYRES });
      expect(page.edges.map((e) => e.node.id)).toEqual([centre._id.toHexString()]);
      expect(page.edges[0]!.node.name).toBe(name);
      expect(await centres.reconcileLocations()).toBe(1);
      expect(await locations().findOne({ _id: centre._id })).toEqual({ ...cells, summary, layout });
    }
    expect(layout).toBe(CENTRE_LOCATION_LAYOUT);
  });

  it('answer searches exactly as reading every centre did, on a randomized set', async () => {
    let seed = 12;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
    const centre = { lat: -37.81, lng: 144.96 };
    for (let i = 0; i < 150; i++) {
      const kinds = KINDS.filter(() => random() < 0.4);
      const p = profile(`Random ${i}`, kinds.length ? kinds : [pick(KINDS)]);
      p.timezone = pick(ZONES);
      p.openingHours = [Weekday.MONDAY, Weekday.WEDNESDAY, Weekday.SATURDAY]
        .filter(() => random() < 0.7)
        .map((day) => ({ day, opens: pick(['00:00', '07:30', '09:00']), closes: pick(['12:00', '18:00', '24:00']) }));
      if (random() < 0.2) p.closures = [{ from: '2027-03-01', to: '2027-03-07', reason: 'Works' }];
      await create(p.name, centre.lat + (random() - 0.5) * 0.3, centre.lng + (random() - 0.5) * 0.3, p);
    }
    // The old path: every centre document, measured, filtered and sorted.
    const all = await raw().find({}).toArray();
    const oldSearch = (near: typeof centre, radiusKm: number, service: ServiceKind | null, openAt: Date | null) => {
      const isOpen = openAt ? openAtChecker(openAt) : null;
      return all
        .map((doc) => ({ doc, distanceKm: haversineKm(near, doc.location), id: doc._id.toHexString() }))
        .filter((m) => m.distanceKm <= radiusKm)
        .filter((m) => !service || m.doc.services.some((s) => s.kind === service))
        .filter((m) => !isOpen || isOpen(m.doc))
        .sort(compareNearby)
        .map((m) => ({ id: m.id, name: m.doc.name, distanceKm: Math.round(m.distanceKm * 1000) / 1000 }));
    };
    const nearby = new NearbyService(centres);
    let found = 0;
    for (let q = 0; q < 25; q++) {
      const near = { lat: centre.lat + (random() - 0.5) * 0.3, lng: centre.lng + (random() - 0.5) * 0.3 };
      const radiusKm = pick([1, 3, 8, 20]);
      const service = random() < 0.5 ? pick(KINDS) : null;
      const openAt = random() < 0.5 ? new Date(Date.UTC(2027, 2, pick([1, 3, 6, 8]), pick([2, 10, 15, 23]))) : null;
      const expected = oldSearch(near, radiusKm, service, openAt);
      const got: { id: string; name?: string; distanceKm: number | null }[] = [];
      let after: string | null = null;
      let total: number | null = null;
      do {
        const page = await nearby.searchCompact({ near, radiusKm, service, openAt, first: 7, after });
        total ??= await page.totalCount;
        got.push(...page.edges.map((e) => ({ id: e.node.id, name: e.node.name, distanceKm: e.node.distanceKm })));
        after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor! : null;
      } while (after);
      expect(got).toEqual(expected);
      expect(total).toBe(expected.length);
      found += expected.length;
    }
    expect(found).toBeGreaterThan(100);
  });
});
