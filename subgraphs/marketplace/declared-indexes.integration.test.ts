import { ObjectId } from 'mongodb';
import { Registry } from 'prom-client';
import { itServesEveryQueryFromAnIndex, recordQueries } from '../../test/indexed-queries.js';
import { useScratchDatabase } from '../../test/scratch-database.js';
import { CentreAuditStore } from './audit/centre-audit.store.js';
import { MarketplaceAuditAction } from './audit/audit.type.js';
import type { ApplicationDetails } from './centres/centre-input.js';
import { CentreLocationStore } from './centres/centre-location.store.js';
import { CentreStore, type CentreProfile } from './centres/centre.store.js';
import { CentreRole, ServiceKind, Weekday } from './centres/centre.type.js';
import { MARKETPLACE_INDEXES } from './declared-indexes.js';
import { ApplicationStore } from './partners/application.store.js';
import { PartnerApplicationStatus } from './partners/application.type.js';
import { NearbyMetrics } from './search/nearby-metrics.js';
import { NearbyService } from './search/nearby.service.js';
import { BOOKINGS_COLLECTION, HELD_SLOT_INDEX, heldSlotsBetween } from './slots/held-slots.js';

/** The marketplace's stores against a real database: what they answer, and that an index serves each query. */
const db = useScratchDatabase('marketplace_indexes', { monitorCommands: true });
const recorder = recordQueries(db);
let centres: CentreStore;
let applications: ApplicationStore;
let audit: CentreAuditStore;

beforeAll(async () => {
  centres = new CentreStore(db());
  applications = new ApplicationStore(db());
  audit = new CentreAuditStore(db());
  await Promise.all([centres.init(), applications.init(), audit.init()]);
});

const profile = (name: string): CentreProfile => ({
  name,
  address: `${name} 1`,
  phone: '+1 555 0100',
  timezone: 'UTC',
  services: [{ kind: ServiceKind.OIL_CHANGE, priceMinor: 5000, currency: 'USD', durationMinutes: 60 }],
  openingHours: [{ day: Weekday.MONDAY, opens: '08:00', closes: '17:00' }],
  closures: [],
  bays: 2,
});

async function centreAt(name: string, lat: number, lng: number, ownerId = new ObjectId().toHexString()) {
  return centres.createForApplication(new ObjectId(), ownerId, profile(name), { lat, lng }, new Date());
}

describe('nearby search on the database', () => {
  it('finds centres across the antimeridian, nearest first, page by page', async () => {
    // Around Fiji's 180th meridian: Taveuni (179.9 E) and points just east of it (179.x W).
    const places: [string, number, number][] = [
      ['Taveuni', -16.85, 179.95],
      ['East 11', -16.85, -179.91],
      ['West 30', -16.85, 179.66],
      ['East 60', -16.85, -179.48],
      ['Far', -16.85, 178.0],
      ['Suva', -18.14, 178.44],
    ];
    for (const [name, lat, lng] of places) await centreAt(name, lat, lng);
    const nearby = new NearbyService(centres);
    const here = { lat: -16.85, lng: 179.99 };
    const all = await nearby.search({ near: here, radiusKm: 100 });
    const names = all.edges.map((e) => e.node.name);
    expect(names).toEqual(['Taveuni', 'East 11', 'West 30', 'East 60']);
    const km = all.edges.map((e) => e.node.distanceKm!);
    expect(km).toEqual([...km].sort((a, b) => a - b));
    // 0.1 degree of longitude at 16.85 S, across the antimeridian.
    expect(km[1]).toBeCloseTo(10.64, 2);
    expect(await all.totalCount).toBe(4);

    const paged: string[] = [];
    let after: string | null = null;
    do {
      const page = await nearby.search({ near: here, radiusKm: 100, first: 1, after });
      paged.push(...page.edges.map((e) => e.node.name));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor! : null;
    } while (after);
    expect(paged).toEqual(names);
  });

  it('breaks distance ties by id, so pages neither skip nor repeat', async () => {
    // Four centres at one spot: the same distance from anywhere.
    const spot = { lat: 40.0, lng: -100.0 };
    const ids: string[] = [];
    for (const n of [1, 2, 3, 4]) ids.push((await centreAt(`Tie ${n}`, spot.lat, spot.lng))._id.toHexString());
    const nearby = new NearbyService(centres);
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page = await nearby.search({ near: { lat: 40.01, lng: -100 }, radiusKm: 5, first: 3, after });
      seen.push(...page.edges.map((e) => e.node.id));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor! : null;
    } while (after);
    expect(seen).toEqual([...ids].sort());
  });
});

describe('nearby search reads around the point', () => {
  it('fills a page from a small circle in a dense area, and reads the radius only for totalCount', async () => {
    // 30 centres within about 1 km of a point, 60 more about 100 km away.
    const point = { lat: -33.87, lng: 151.21 };
    for (let i = 0; i < 30; i++)
      await centreAt(`Dense ${i}`, point.lat + (i % 6) * 0.001, point.lng + Math.floor(i / 6) * 0.001);
    for (let i = 0; i < 60; i++)
      await centreAt(`Far ${i}`, point.lat + 0.9 + (i % 6) * 0.001, point.lng + Math.floor(i / 6) * 0.001);
    const metrics = new NearbyMetrics();
    const registry = new Registry();
    metrics.register(registry);
    const nearby = new NearbyService(centres, metrics);
    const page = await nearby.search({ near: point, radiusKm: 200, first: 5 });
    expect(page.edges.map((e) => e.node.name.startsWith('Dense'))).toEqual([true, true, true, true, true]);
    const sums = async () => {
      const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === 'marketplace_nearby_centres_read');
      return (metric as unknown as { values: { metricName: string; value: number }[] }).values.find((v) =>
        v.metricName.endsWith('_sum'),
      )!.value;
    };
    expect(await sums()).toBe(30);
    expect(await page.totalCount).toBe(90);
    expect(await sums()).toBe(30 + 90);
  });
});

describe('centre store', () => {
  it('lists a member’s centres, adds and removes staff once, keeps the owner, and counts ratings', async () => {
    const owner = new ObjectId().toHexString();
    const staff = new ObjectId().toHexString();
    const centre = await centreAt('Members', 10, 10, owner);
    expect((await centres.addStaff(centre._id, staff, new Date()))?.added).toBe(true);
    expect((await centres.addStaff(centre._id, staff, new Date()))?.added).toBe(false);
    expect((await centres.ofMember(staff)).map((c) => c.name)).toEqual(['Members']);
    expect((await centres.removeStaff(centre._id, owner, new Date()))?.removed).toBe(false);
    const removed = await centres.removeStaff(centre._id, staff, new Date());
    expect(removed?.centre.members.map((m) => m.role)).toEqual([CentreRole.OWNER]);
    expect(await centres.ofMember(staff)).toEqual([]);
    await centres.addRating(centre._id, 5);
    await centres.addRating(centre._id, 4);
    expect(await centres.findById(centre._id)).toMatchObject({ ratingCount: 2, ratingSum: 9 });
    const updated = await centres.updateProfile(centre._id, { bays: 4 }, new Date());
    expect(updated?.bays).toBe(4);
    expect((await centres.findByIds([centre._id.toHexString(), 'x']))[1]).toBeNull();
  });

  it('creates one centre per application, however often approval runs', async () => {
    const applicationId = new ObjectId();
    const owner = new ObjectId().toHexString();
    const first = await centres.createForApplication(
      applicationId,
      owner,
      profile('Once'),
      { lat: 1, lng: 1 },
      new Date(),
    );
    const again = await centres.createForApplication(
      applicationId,
      owner,
      profile('Once'),
      { lat: 1, lng: 1 },
      new Date(),
    );
    expect(again._id).toEqual(first._id);
  });
});

describe('applications and audit', () => {
  it('moves an application through approval or rejection, each only from where it may', async () => {
    const applicant = new ObjectId().toHexString();
    const details = { ...profile('Applied'), location: { lat: 1, lng: 2 } } as unknown as ApplicationDetails;
    // Five at once: exactly one is written.
    const tries = await Promise.all([1, 2, 3, 4, 5].map(() => applications.insertOpen(applicant, details, new Date())));
    expect(tries.filter((a) => a !== null)).toHaveLength(1);
    const app = tries.find((a) => a !== null)!;
    const admin = new ObjectId().toHexString();
    expect((await applications.startApproval(app._id, admin, new Date()))?.status).toBe('APPROVING');
    expect(await applications.insertOpen(applicant, details, new Date())).toBeNull();
    expect(await applications.reject(app._id, admin, 'late', new Date())).toBeNull();
    expect((await applications.finishApproval(app._id, new ObjectId().toHexString()))?.status).toBe('APPROVED');
    // Decided, but its claim was not released (a release cut off): the next application takes it over.
    const other = (await applications.insertOpen(applicant, details, new Date()))!;
    expect(other).not.toBeNull();
    expect((await applications.reject(other._id, admin, 'no', new Date()))?.status).toBe('REJECTED');
    await applications.releaseOpen(applicant, other._id);
    expect(await applications.startApproval(other._id, admin, new Date())).toBeNull();
    expect((await applications.ofApplicant(applicant, { first: 10 })).edges.map((e) => e.node.status)).toEqual([
      'REJECTED',
      'APPROVED',
    ]);
    const pending = await applications.list(PartnerApplicationStatus.PENDING, {});
    expect(await pending.totalCount).toBe(0);
    expect(await (await applications.list(PartnerApplicationStatus.REJECTED, {})).totalCount).toBe(1);
    expect(await (await applications.list(null, {})).totalCount).toBe(2);
  });

  it('keeps a centre’s log and an application’s, newest first', async () => {
    const centreId = new ObjectId().toHexString();
    const applicationId = new ObjectId().toHexString();
    await audit.record({
      action: MarketplaceAuditAction.PARTNER_APPROVED,
      actorId: 'user:a',
      applicationId,
      centreId,
      detail: 'ok',
    });
    await audit.record({
      action: MarketplaceAuditAction.CENTRE_UPDATED,
      actorId: 'user:b',
      centreId,
      detail: 'bays: 1 -> 2',
    });
    expect((await audit.ofCentre(centreId, {})).edges.map((e) => e.node.action)).toEqual([
      MarketplaceAuditAction.CENTRE_UPDATED,
      MarketplaceAuditAction.PARTNER_APPROVED,
    ]);
    expect((await audit.ofApplication(applicationId, {})).edges).toHaveLength(1);
  });
});

describe('held slots (the bookings collection, as availability reads it)', () => {
  it('reads the bookings that hold a bay at some instant of the window', async () => {
    const bookings = db().collection(BOOKINGS_COLLECTION);
    await bookings.createIndex(HELD_SLOT_INDEX.key);
    const centreId = new ObjectId().toHexString();
    const at = (h: number) => new Date(Date.UTC(2030, 0, 7, h));
    await bookings.insertMany([
      { centreId, slotStart: at(8), slotEnd: at(10), status: 'CONFIRMED', bay: 1 },
      { centreId, slotStart: at(10), slotEnd: at(11), status: 'REQUESTED' },
      { centreId, slotStart: at(9), slotEnd: at(10), status: 'CANCELLED' },
      { centreId, slotStart: at(12), slotEnd: at(13), status: 'IN_PROGRESS' },
      { centreId: 'another', slotStart: at(9), slotEnd: at(10), status: 'CONFIRMED' },
    ]);
    const held = await heldSlotsBetween(db(), centreId, at(9), at(12));
    expect(held).toEqual([
      { start: at(8), end: at(10), bay: 1 },
      { start: at(10), end: at(11), bay: null },
    ]);
  });
});

const MINE = [
  CentreStore.collection,
  CentreLocationStore.collection,
  ApplicationStore.collection,
  ApplicationStore.openClaimsCollection,
  CentreAuditStore.collection,
];
itServesEveryQueryFromAnIndex(recorder, () => ({
  ...Object.fromEntries(MINE.map((c) => [c, MARKETPLACE_INDEXES[c]!])),
  [BOOKINGS_COLLECTION]: [HELD_SLOT_INDEX],
}));
