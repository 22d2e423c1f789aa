import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { planCentre } from '../scripts/seed/centres/centre-plan.js';
import { marketplaceCentreWriter } from '../scripts/seed/centres/marketplace-writer.js';
import { partnerEmail } from '../scripts/seed/centres/seed-centres.js';
import { hasPassword } from '../subgraphs/identity/users/account-provisioning.js';
import { ProgressFile } from '../scripts/seed/progress.js';
import { runSeed, type SeedRun } from '../scripts/seed/run-seed.js';
import type { SeedScale } from '../scripts/seed/scales.js';
import {
  LoginDocument,
  MarketCentreAuditDocument,
  MarketCentreDocument,
  MarketNearbyDocument,
} from './generated/graphql.js';
import { ADMIN, startTestSystem, type TestSystem } from './harness.js';

/** Nothing but centres: one customer (the fleet phase always runs), twelve centres over the seven cities. */
const CENTRES_ONLY: SeedScale = {
  name: 'centres',
  customers: 1,
  vehicles: 1,
  readingVehicles: 0,
  readingDays: 0,
  decisions: 0,
  alerts: 0,
  centres: 12,
};
const LONDON = { lat: 51.5074, lng: -0.1278 };

let t: TestSystem;
let dir: string;
let adminToken: string;
let adminId: string;
const db = (name: string) => t.system.deps.mongo.db(name);
const centresStored = () => db('marketplace').collection('service_centres').countDocuments();

beforeAll(async () => {
  t = await startTestSystem();
  dir = mkdtempSync(path.join(tmpdir(), 'clutch-seed-centres-'));
  const login = (await t.request(LoginDocument, ADMIN)).data!.login;
  adminToken = login.accessToken;
  adminId = login.user.id;
});
afterAll(async () => {
  await t.stop();
  rmSync(dir, { recursive: true, force: true });
});

const seed = (overrides: Partial<SeedRun> = {}) =>
  runSeed({
    url: t.url,
    scale: CENTRES_ONLY,
    credentials: ADMIN,
    progress: ProgressFile.open(path.join(dir, 'centres.json'), CENTRES_ONLY.name, 'test', false),
    agentsDb: null,
    centres: marketplaceCentreWriter({
      db: db('marketplace'),
      bus: t.system.deps.bus,
      identityUrl: t.system.subgraphs.find((s) => s.name === 'identity')!.url,
      internalSecret: t.config.INTERNAL_SECRET!,
      actorId: `user:${adminId}`,
      adminId,
    }),
    log: () => undefined,
    ...overrides,
  });

describe('npm run seed lists service centres, run programmatically at a tiny scale', () => {
  let completed: Awaited<ReturnType<typeof seed>>;

  beforeAll(async () => {
    // Stopped after a few centres, then run again: it resumes, and lists none twice.
    const stop = new AbortController();
    await expect(
      seed({
        signal: stop.signal,
        centreConcurrency: 2,
        onStep: (phase, done) => {
          if (phase === 'centres' && done >= 4) stop.abort();
        },
      }),
    ).rejects.toThrow(/stopped; run the same command again to resume/);
    expect(await centresStored()).toBeGreaterThanOrEqual(4);
    expect(await centresStored()).toBeLessThan(12);
    completed = await seed();
  });

  it('lists exactly the planned centres once, approved, each owned by its chain’s partner (PARTNER, no password)', async () => {
    expect(completed.resumed).toBe(true);
    expect(completed.centres).toMatchObject({ count: 12, skipped: false });
    expect(await centresStored()).toBe(12);
    const applications = await db('marketplace').collection('partner_applications').find().toArray();
    expect(applications).toHaveLength(12);
    expect(applications.every((a) => a.status === 'APPROVED')).toBe(true);
    const plan = planCentre(0);
    const owner = await db('identity')
      .collection('users')
      .findOne({ email: partnerEmail(plan.owner.key) });
    expect(owner).toMatchObject({ roles: expect.arrayContaining(['PARTNER']) });
    expect(hasPassword(owner as never)).toBe(false);
    const centre = await db('marketplace').collection('service_centres').findOne({ name: plan.application.name });
    expect(centre!.memberIds).toEqual([owner!._id.toHexString()]);
    // Audited as an approval by the admin, like approvePartnerApplication.
    const audit = await t.request(
      MarketCentreAuditDocument,
      { centreId: centre!._id.toHexString() },
      { token: adminToken },
    );
    expect(audit.data!.centreAuditLog.edges.map((e) => e.node)).toEqual(
      expect.arrayContaining([expect.objectContaining({ action: 'PARTNER_APPROVED', actorId: `user:${adminId}` })]),
    );
  });

  it('puts them where they are planned: London’s are found near London, in its zone and currency, with its hours', async () => {
    const london = Array.from({ length: 12 }, (_, i) => planCentre(i)).filter((p) => p.city === 'London');
    expect(london.length).toBeGreaterThanOrEqual(2);
    const nearby = await t.request(MarketNearbyDocument, { near: LONDON, radiusKm: 40, first: 50 });
    expect(nearby.errors).toBeUndefined();
    const found = nearby.data!.serviceCentres.edges.map((e) => e.node);
    expect(found.map((c) => c.name).sort()).toEqual(london.map((p) => p.application.name).sort());
    for (const node of found) {
      expect(node.distanceKm).toBeLessThanOrEqual(18);
      const { data } = await t.request(MarketCentreDocument, { id: node.id });
      const planned = london.find((p) => p.application.name === data!.serviceCentre!.name)!.application;
      expect(data!.serviceCentre).toMatchObject({
        timezone: 'Europe/London',
        bays: planned.bays,
        location: planned.location,
        services: planned.services,
        openingHours: planned.openingHours,
      });
      expect(data!.serviceCentre!.services.every((s) => s.currency === 'GBP')).toBe(true);
    }
  });

  it('lists nothing on a second run, and only the new ones when asked for more (--centres)', async () => {
    const again = await seed();
    expect(again.centres).toMatchObject({ created: 0 });
    expect(await centresStored()).toBe(12);
    const more = await seed({ scale: { ...CENTRES_ONLY, centres: 16 } });
    expect(more.centres.created).toBe(4);
    expect(await centresStored()).toBe(16);
  });

  it('skips centres when it has no way to list them, and says so', async () => {
    const lines: string[] = [];
    const skipped = await seed({ centres: null, log: (line) => lines.push(line) });
    expect(skipped.centres).toMatchObject({ skipped: true, created: 0 });
    expect(lines.join('\n')).toMatch(/centres: skipped/);
    expect(await centresStored()).toBe(16);
  });
});
