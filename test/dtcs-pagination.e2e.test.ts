import { IngestObdFramesDocument, VehicleDtcConnectionDocument, VehicleDtcsDocument } from './generated/graphql.js';
import { errorCodes } from './client.js';
import { startTestSystem, type TestSystem } from './harness.js';
import { registerDriver, vehicleWithDevice, type Driver } from './live.js';
import { manufacturerCodes, storedCodeFrames } from './obd-frames.js';

let t: TestSystem;
let owner: Driver;
let vehicleId: string;

// 130 codes in three uploads a minute apart: the newest upload's 20 codes come first.
const oldest = manufacturerCodes(60, 0);
const middle = manufacturerCodes(50, 60);
const newest = manufacturerCodes(20, 110);
const expectedOrder = [...newest, ...middle, ...oldest]; // by last sighting, then by code

beforeAll(async () => {
  t = await startTestSystem();
  owner = await registerDriver(t, 'dtc-pages@example.com');
  const vehicle = await vehicleWithDevice(t, owner, '1HGCM82633A004352');
  vehicleId = vehicle.vehicleId;
  // Each upload at a time of its own, so the order of sightings is known.
  for (const [codes, minutesAgo] of [
    [oldest, 3],
    [middle, 2],
    [newest, 1],
  ] as const) {
    const uploaded = await t.request(
      IngestObdFramesDocument,
      {
        vehicleId,
        frames: storedCodeFrames(codes),
        recordedAt: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
      },
      { token: vehicle.deviceToken },
    );
    expect(uploaded.errors).toBeUndefined();
    expect(uploaded.data!.ingestObdFrames.dtcsStored).toBe(codes.length);
  }
});
afterAll(() => t?.stop());

const list = (variables: { first?: number; status?: 'ACTIVE' | 'PENDING' | 'CLEARED' } = {}, token = owner.token) =>
  t.request(VehicleDtcsDocument, { id: vehicleId, ...variables }, { token });
const page = (variables: { first?: number; after?: string; status?: 'ACTIVE' | 'PENDING' } = {}, token = owner.token) =>
  t.request(VehicleDtcConnectionDocument, { id: vehicleId, ...variables }, { token });

describe('Vehicle.dtcs, bounded', () => {
  it('answers at most 100 codes by default, the most recently seen, however many the vehicle has', async () => {
    const listed = await list();
    expect(listed.errors).toBeUndefined();
    expect(listed.data!.vehicle!.dtcs.map((d) => d.code)).toEqual(expectedOrder.slice(0, 100));
  });

  it('answers `first` codes when asked, and refuses a first outside 1..100 with BAD_USER_INPUT', async () => {
    expect((await list({ first: 5 })).data!.vehicle!.dtcs.map((d) => d.code)).toEqual(newest.slice(0, 5));
    for (const first of [0, -1, 101]) {
      const refused = await list({ first });
      expect(errorCodes(refused)).toEqual(['BAD_USER_INPUT']);
      expect(refused.data?.vehicle?.dtcs ?? null).toBeNull();
    }
  });
});

describe('Vehicle.dtcConnection', () => {
  it('pages through every code in order: 20 by default, then `first` at a time, with the total', async () => {
    const first = (await page()).data!.vehicle!.dtcConnection;
    expect(first.totalCount).toBe(130);
    expect(first.edges.map((e) => e.node.code)).toEqual(expectedOrder.slice(0, 20));
    expect(first.pageInfo).toEqual({ hasNextPage: true, endCursor: first.edges[19]!.cursor });

    const seen = [...first.edges.map((e) => e.node.code)];
    let after = first.pageInfo.endCursor!;
    for (;;) {
      const next = (await page({ first: 50, after })).data!.vehicle!.dtcConnection;
      expect(next.totalCount).toBe(130);
      seen.push(...next.edges.map((e) => e.node.code));
      if (!next.pageInfo.hasNextPage) {
        expect(next.edges.length).toBeLessThanOrEqual(50);
        break;
      }
      after = next.pageInfo.endCursor!;
    }
    expect(seen).toEqual(expectedOrder);
  });

  it('filters by status, counting only those', async () => {
    const pending = (await page({ status: 'PENDING' })).data!.vehicle!.dtcConnection;
    expect(pending).toEqual({ totalCount: 0, edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
    expect((await page({ status: 'ACTIVE', first: 1 })).data!.vehicle!.dtcConnection.totalCount).toBe(130);
  });

  it.each([
    ['a first over 100', { first: 101 }],
    ['a first of 0', { first: 0 }],
    ['a forged cursor', { after: Buffer.from('dtc:0:P0000; drop').toString('base64url') }],
    ['a cursor that is not base64', { after: '{"$gt":""}' }],
  ])('refuses %s with BAD_USER_INPUT', async (_what, variables) => {
    const refused = await page(variables);
    expect(errorCodes(refused)).toEqual(['BAD_USER_INPUT']);
    expect(refused.data?.vehicle?.dtcConnection ?? null).toBeNull();
  });

  it("keeps another customer out of a vehicle's codes", async () => {
    const stranger = await registerDriver(t, 'dtc-stranger@example.com');
    const peeking = await page({}, stranger.token);
    expect(errorCodes(peeking)).toContain('FORBIDDEN');
    expect(JSON.stringify(peeking.data ?? null)).not.toContain('P1');
    expect(errorCodes(await list({}, stranger.token))).toContain('FORBIDDEN');
  });
});
