import { randomUUID } from 'node:crypto';
import { computeCheckDigit } from '../subgraphs/vehicles/vin/vin.js';
import { errorCodes } from './client.js';
import {
  AddVehicleDocument,
  AuditLogDocument,
  CreateApiKeyDocument,
  IngestReadingsDocument,
  LoginDocument,
  ProvisionFleetCountsDocument,
  ProvisionFleetDocument,
  RegisterDocument,
  type ProvisionFleetInput,
} from './generated/graphql.js';
import { ADMIN, startTestSystem, type TestSystem } from './harness.js';

/** A valid North American Honda VIN (model year 2003) with serial number `n`. */
const vinFor = (n: number) => {
  const draft = `1HGCM8260${'3A'}${String(n).padStart(6, '0')}`;
  return draft.slice(0, 8) + computeCheckDigit(draft) + draft.slice(9);
};

/** `owners` owners of `perOwner` vehicles each, numbered from `from` so that tests never share a VIN. */
function fleet(from: number, owners: number, perOwner: number, key: string = randomUUID()): ProvisionFleetInput {
  return {
    idempotencyKey: key,
    owners: Array.from({ length: owners }, (_, o) => ({
      externalRef: `crm-${from + o}`,
      email: `Owner${from + o}@Fleet.Example`,
      name: `Fleet owner ${from + o}`,
      vehicles: Array.from({ length: perOwner }, (_, v) => {
        const n = (from + o) * 10 + v;
        return { vin: vinFor(n), model: 'Accord', nickname: `Van ${n}`, pairDeviceSerial: `fleet-dongle-${n}` };
      }),
    })),
  };
}

let t: TestSystem;
let adminToken: string;
const db = (name: 'identity' | 'vehicles') => t.system.deps.mongo.db(name);

/** What provisioning writes, counted straight from the owning subgraphs' collections. */
async function stored() {
  const [users, vehicles, devices, vins, serials, audit] = await Promise.all([
    db('identity').collection('users').countDocuments(),
    db('vehicles').collection('vehicles').countDocuments(),
    db('vehicles').collection('obd_devices').countDocuments(),
    db('vehicles').collection('active_vins').countDocuments(),
    db('vehicles').collection('active_serials').countDocuments(),
    db('identity')
      .collection('audit_events')
      .countDocuments({ type: { $in: ['ACCOUNT_PROVISIONED', 'FLEET_PROVISIONED'] } }),
  ]);
  return { users, vehicles, devices, vins, serials, audit };
}

beforeAll(async () => {
  t = await startTestSystem();
  adminToken = (await t.request(LoginDocument, ADMIN)).data!.login.accessToken;
});
afterAll(() => t.stop());

describe('provisionFleet: 500 vehicles through the gateway', () => {
  const input = fleet(1000, 100, 5);
  let first: Awaited<ReturnType<typeof provision>>;
  const provision = (variables: ProvisionFleetInput, token = adminToken) =>
    t.request(ProvisionFleetDocument, { input: variables }, { token });

  beforeAll(async () => {
    first = await provision(input);
  });

  it('creates 100 passwordless customers, 500 vehicles and 500 paired devices, in the order asked, audited', async () => {
    expect(first.errors).toBeUndefined();
    const result = first.data!.provisionFleet;
    expect(result).toMatchObject({ replayed: false, ownersCreated: 100, vehiclesCreated: 500, devicesPaired: 500 });
    expect(result.owners).toHaveLength(100);
    expect(result.owners[3]).toMatchObject({
      externalRef: 'crm-1003',
      email: 'owner1003@fleet.example',
      created: true,
    });
    const vehicle = result.owners[3]!.vehicles[2]!;
    expect(vehicle).toMatchObject({
      created: true,
      vehicle: {
        vin: vinFor(10032),
        make: 'Honda',
        model: 'Accord',
        year: 2003,
        owner: { id: result.owners[3]!.user.id },
      },
      device: { paired: true, device: { serial: 'FLEET-DONGLE-10032', vehicleId: vehicle.vehicle.id } },
    });
    const tokens = result.owners.flatMap((o) => o.vehicles.map((v) => v.device!.deviceToken));
    expect(new Set(tokens).size).toBe(500);
    expect(tokens.every((token) => /^dt_/.test(token ?? ''))).toBe(true);

    const users = await db('identity')
      .collection('users')
      .find({ email: { $regex: /@fleet\.example$/ } })
      .toArray();
    expect(users).toHaveLength(100);
    expect(users.every((u) => u.roles.join() === 'CUSTOMER' && !String(u.passwordHash).startsWith('$2'))).toBe(true);
    expect(
      await db('vehicles')
        .collection('vehicles')
        .countDocuments({ ownerId: { $in: users.map((u) => u._id.toHexString()) } }),
    ).toBe(500);
    // Tokens are stored as hashes only.
    const device = await db('vehicles').collection('obd_devices').findOne({ serial: 'FLEET-DONGLE-10032' });
    // The whole secret (base64url, so it may hold '_' itself): a split on '_' gave '' when it began with one.
    const secret = /^dt_[0-9a-f]{24}_([A-Za-z0-9_-]{43})$/.exec(vehicle.device!.deviceToken!)?.[1];
    expect(secret).toHaveLength(43);
    expect(JSON.stringify(device)).not.toContain(secret);

    const audit = await t.request(AuditLogDocument, { first: 5, type: 'FLEET_PROVISIONED' }, { token: adminToken });
    expect(audit.data!.auditLog.edges[0]!.node).toMatchObject({
      actorId: expect.stringMatching(/^user:[0-9a-f]{24}$/),
      detail: expect.stringContaining('100 owners (100 created), 500 vehicles (500 created), 500 devices paired'),
    });
    const accounts = await t.request(
      AuditLogDocument,
      { first: 1, type: 'ACCOUNT_PROVISIONED' },
      { token: adminToken },
    );
    expect(accounts.data!.auditLog.totalCount).toBe(100);
  });

  it('hands out device tokens that ingest for their vehicle', async () => {
    const vehicle = first.data!.provisionFleet.owners[7]!.vehicles[4]!;
    const ingest = await t.request(
      IngestReadingsDocument,
      { vehicleId: vehicle.vehicle.id, readings: [{ pid: '0C', value: 850 }] },
      { token: vehicle.device!.deviceToken! },
    );
    expect(ingest.errors).toBeUndefined();
    expect(ingest.data!.ingestReadings.readingsStored).toBe(1);
  });

  it('answers a retry with the same idempotency key with the same result, tokens included, storing nothing', async () => {
    const before = await stored();
    const again = await provision(input);
    expect(again.errors).toBeUndefined();
    expect(again.data!.provisionFleet).toEqual({ ...first.data!.provisionFleet, replayed: true });
    expect(await stored()).toEqual(before);
  });

  it('creates nothing new when the same fleet comes again under another key, and hands out no token', async () => {
    const before = await stored();
    const again = await provision({ ...input, idempotencyKey: randomUUID() });
    expect(again.errors).toBeUndefined();
    const result = again.data!.provisionFleet;
    expect(result).toMatchObject({ replayed: false, ownersCreated: 0, vehiclesCreated: 0, devicesPaired: 0 });
    const firstIds = first.data!.provisionFleet.owners.map((o) => [o.user.id, o.vehicles.map((v) => v.vehicle.id)]);
    expect(result.owners.map((o) => [o.user.id, o.vehicles.map((v) => v.vehicle.id)])).toEqual(firstIds);
    const vehicles = result.owners.flatMap((o) => o.vehicles);
    expect(vehicles.every((v) => !v.created && v.device && !v.device.paired && v.device.deviceToken === null)).toBe(
      true,
    );
    expect(await stored()).toEqual(before);
  });

  it('refuses an idempotency key reused for another request with CONFLICT, storing nothing', async () => {
    const before = await stored();
    const other = fleet(3000, 1, 1, input.idempotencyKey);
    const refused = await provision(other);
    expect(errorCodes(refused)).toEqual(['CONFLICT']);
    expect(refused.errors![0]!.message).toMatch(/different request/);
    expect(await stored()).toEqual(before);
  });
});

describe('provisionFleet refusals store nothing', () => {
  const provision = (input: ProvisionFleetInput, options: { token?: string; apiKey?: string }) =>
    t.request(ProvisionFleetCountsDocument, { input }, options);

  it('lets an API key with fleet:provision in; refuses keys without it, customers and anonymous callers', async () => {
    const createKey = async (scopes: ('FLEET_PROVISION' | 'USERS_READ')[]) =>
      (await t.request(CreateApiKeyDocument, { input: { name: 'Fleet partner', scopes } }, { token: adminToken })).data!
        .createApiKey.key;
    const [fleetKey, otherKey] = await Promise.all([createKey(['FLEET_PROVISION']), createKey(['USERS_READ'])]);
    const customer = (
      await t.request(RegisterDocument, {
        input: { email: 'driver@example.com', password: 'a-long-password', name: 'Driver' },
      })
    ).data!.register.accessToken;

    const before = await stored();
    for (const [options, code] of [
      [{ apiKey: otherKey }, 'FORBIDDEN'],
      [{ token: customer }, 'FORBIDDEN'],
      [{}, 'UNAUTHENTICATED'],
    ] as const) {
      const refused = await provision(fleet(4000, 2, 2), options);
      expect(errorCodes(refused)).toEqual([code]);
      expect(refused.data).toBeNull();
    }
    expect(await stored()).toEqual(before);

    const allowed = await provision(fleet(4000, 2, 2), { apiKey: fleetKey });
    expect(allowed.errors).toBeUndefined();
    expect(allowed.data!.provisionFleet).toMatchObject({ ownersCreated: 2, vehiclesCreated: 4, devicesPaired: 4 });
    const audit = await t.request(AuditLogDocument, { first: 1, type: 'FLEET_PROVISIONED' }, { token: adminToken });
    expect(audit.data!.auditLog.edges[0]!.node.actorId).toMatch(/^apikey:[0-9a-f]{24}$/);
  });

  it('refuses bad input with BAD_USER_INPUT naming its place', async () => {
    const good = fleet(5000, 3, 2);
    const variant = (change: (input: ProvisionFleetInput) => void) => {
      const copy = structuredClone(good);
      change(copy);
      return copy;
    };
    const cases: [string, ProvisionFleetInput, RegExp][] = [
      [
        'a bad VIN',
        variant((i) => void ((i.owners as any)[1].vehicles[0].vin = '1HGCM82633A00435X')),
        /owners\.1\.vehicles\.0\.vin/,
      ],
      ['a bad email', variant((i) => void ((i.owners as any)[2].email = 'not-an-email')), /owners\.2\.email/],
      [
        'a bad serial',
        variant((i) => void ((i.owners as any)[0].vehicles[1].pairDeviceSerial = 'x')),
        /pairDeviceSerial/,
      ],
      ['a VIN twice', variant((i) => void ((i.owners as any)[2].vehicles[1].vin = vinFor(50000))), /appears twice/],
      ['a short idempotency key', { ...good, idempotencyKey: 'retry-1' }, /idempotencyKey/],
      ['no owners', { ...good, owners: [] }, /at least one owner/],
      ['101 owners', fleet(6000, 101, 0), /at most 100 per request/],
      ['501 vehicles', withExtraVehicle(fleet(7000, 100, 5)), /at most 500 per request/],
      ['51 vehicles for one owner', fleet(8000, 1, 51), /at most 50 vehicles/],
    ];
    const before = await stored();
    for (const [what, input, message] of cases) {
      const refused = await provision(input, { token: adminToken });
      expect([what, errorCodes(refused)]).toEqual([what, ['BAD_USER_INPUT']]);
      expect([what, refused.errors![0]!.message]).toEqual([what, expect.stringMatching(message)]);
    }
    expect(await stored()).toEqual(before);
    expect(
      await db('vehicles')
        .collection('provisioning_requests')
        .countDocuments({ state: { $ne: 'done' } }),
    ).toBe(0);
  });

  it("refuses a VIN on another owner's vehicle or a dongle paired elsewhere with CONFLICT before writing anything", async () => {
    const customer = (
      await t.request(RegisterDocument, {
        input: { email: 'owner-of-a-car@example.com', password: 'a-long-password', name: 'Owner' },
      })
    ).data!.register.accessToken;
    const theirs = await t.request(AddVehicleDocument, { input: { vin: vinFor(99999) } }, { token: customer });
    expect(theirs.errors).toBeUndefined();

    const before = await stored();
    const stealing = fleet(9000, 3, 1);
    (stealing.owners as any)[2].vehicles[0].vin = vinFor(99999);
    const refused = await provision(stealing, { token: adminToken });
    expect(errorCodes(refused)).toEqual(['CONFLICT']);
    expect(refused.errors![0]!.extensions).toMatchObject({ field: 'owners.2.vehicles.0.vin' });

    const paired = await provision(fleet(9100, 1, 1), { token: adminToken });
    expect(paired.errors).toBeUndefined();
    const after = await stored();
    const reused = fleet(9200, 1, 1);
    (reused.owners as any)[0].vehicles[0].pairDeviceSerial = 'fleet-dongle-91000';
    expect(errorCodes(await provision(reused, { token: adminToken }))).toEqual(['CONFLICT']);
    expect(await stored()).toEqual(after);
    expect(after).toEqual({
      ...before,
      users: before.users + 1,
      vehicles: before.vehicles + 1,
      devices: before.devices + 1,
      vins: before.vins + 1,
      serials: before.serials + 1,
      audit: before.audit + 2,
    });
  });

  it('gives provisioned owners no password: signing in fails as for an unknown email', async () => {
    await provision(fleet(9300, 1, 0), { token: adminToken });
    for (const password of ['!provisioned', '', 'a-long-password']) {
      const login = await t.request(LoginDocument, { email: 'owner9300@fleet.example', password });
      expect(errorCodes(login)).toEqual(['UNAUTHENTICATED']);
    }
  });
});

function withExtraVehicle(input: ProvisionFleetInput): ProvisionFleetInput {
  const owners = input.owners as any[];
  owners[0].vehicles.push({ vin: vinFor(79999), pairDeviceSerial: null });
  return input;
}

describe('provisionFleet and the rate limits', () => {
  let limited: TestSystem;
  afterAll(() => limited?.stop());

  it('is not a sign-in (the per-IP sign-in limit does not stop it) but counts against the caller’s API limit', async () => {
    limited = await startTestSystem({ RATE_LIMIT_AUTH_PER_MINUTE: '1', RATE_LIMIT_API_PER_MINUTE: '4' });
    const admin = (await limited.request(LoginDocument, ADMIN)).data!.login.accessToken;
    const signIn = await limited.request(LoginDocument, ADMIN);
    expect(errorCodes(signIn)).toEqual(['RATE_LIMITED']);

    const calls = [];
    for (let i = 0; i < 5; i++) {
      calls.push(
        await limited.request(ProvisionFleetCountsDocument, { input: fleet(20000 + i * 10, 1, 1) }, { token: admin }),
      );
    }
    expect(calls.slice(0, 4).map(errorCodes)).toEqual([[], [], [], []]);
    expect(errorCodes(calls[4]!)).toEqual(['RATE_LIMITED']);
    expect(calls[4]!.status).toBe(429);
    expect(Number(calls[4]!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.system.deps.mongo.db('vehicles').collection('vehicles').countDocuments()).toBe(4);
  });
});
