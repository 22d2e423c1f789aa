import { INTERNAL_SECRET_HEADER } from '../platform/auth/viewer.js';
import { vehicleAccessFor } from '../app/system.js';
import { computeCheckDigit } from '../subgraphs/vehicles/vin/vin.js';
import { errorCodes } from './client.js';
import {
  AddVehicleDocument,
  AllVehiclesDocument,
  LoginDocument,
  MeDocument,
  MyGarageDocument,
  MyVehiclesDocument,
  PairObdDeviceDocument,
  RegisterDocument,
  RemoveVehicleDocument,
  RevokeObdDeviceDocument,
  UpdateVehicleDocument,
  UsersWithVehiclesDocument,
  VehicleDevicesDocument,
  VehicleDocument,
  VehicleOwnerDocument,
} from './generated/graphql.js';
import { ADMIN, startTestSystem, type TestSystem } from './harness.js';

/** A valid North American Honda VIN, model year 2003, with serial number `n`. */
const vinFor = (n: number) => {
  const draft = `1HGCM8260${'3A'}${String(n).padStart(6, '0')}`;
  return draft.slice(0, 8) + computeCheckDigit(draft) + draft.slice(9);
};
const EUROPEAN_VIN = 'WVWZZZ1JZXW000001';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Account {
  id: string;
  email: string;
  token: string;
}

let t: TestSystem;
let alice: Account;
let bob: Account;
let adminToken: string;
const db = () => t.system.deps.mongo.db('vehicles');

beforeAll(async () => {
  // Device-token verdicts are cached at the gateway; one second keeps revocation prompt here.
  t = await startTestSystem({ API_KEY_CACHE_SECONDS: '1' });
  const register = async (email: string): Promise<Account> => {
    const { data } = await t.request(RegisterDocument, {
      input: { email, password: 'a-long-password', name: email.split('@')[0]! },
    });
    return { id: data!.register.user.id, email, token: data!.register.accessToken };
  };
  [alice, bob] = await Promise.all([register('alice@example.com'), register('bob@example.com')]);
  adminToken = (await t.request(LoginDocument, ADMIN)).data!.login.accessToken;
});
afterAll(() => t.stop());

const add = (token: string, input: { vin: string; make?: string; model?: string; year?: number; nickname?: string }) =>
  t.request(AddVehicleDocument, { input }, { token });
const addOk = async (token: string, vin: string) => {
  const response = await add(token, { vin });
  expect(response.errors).toBeUndefined();
  return response.data!.addVehicle;
};
const pair = (token: string, vehicleId: string, serial: string) =>
  t.request(PairObdDeviceDocument, { vehicleId, serial }, { token });

describe('vehicles through the gateway', () => {
  it('adds, lists, updates and removes a vehicle, keeping it as history and freeing its VIN', async () => {
    const added = await add(alice.token, { vin: ` ${vinFor(1).toLowerCase()} `, model: 'Accord', nickname: 'Daily' });
    expect(added.errors).toBeUndefined();
    const vehicle = added.data!.addVehicle;
    expect(vehicle).toMatchObject({
      vin: vinFor(1),
      make: 'Honda',
      model: 'Accord',
      year: 2003,
      nickname: 'Daily',
      removedAt: null,
      vinInfo: { wmi: '1HG', region: 'NORTH_AMERICA', manufacturer: 'Honda', modelYear: 2003 },
    });

    const mine = await t.request(MyVehiclesDocument, {}, { token: alice.token });
    expect(mine.data!.myVehicles.map((v) => v.id)).toEqual([vehicle.id]);

    const updated = await t.request(
      UpdateVehicleDocument,
      { id: vehicle.id, input: { nickname: 'Weekend', model: null } },
      { token: alice.token },
    );
    expect(updated.errors).toBeUndefined();
    expect(updated.data!.updateVehicle).toMatchObject({ nickname: 'Weekend', model: null, make: 'Honda', year: 2003 });

    const removed = await t.request(RemoveVehicleDocument, { id: vehicle.id }, { token: alice.token });
    expect(removed.data!.removeVehicle.removedAt).not.toBeNull();
    expect((await t.request(MyVehiclesDocument, {}, { token: alice.token })).data!.myVehicles).toEqual([]);
    const history = await t.request(VehicleDocument, { id: vehicle.id }, { token: alice.token });
    expect(history.data!.vehicle).toMatchObject({
      id: vehicle.id,
      nickname: 'Weekend',
      removedAt: removed.data!.removeVehicle.removedAt,
    });

    const changeRemoved = await t.request(
      UpdateVehicleDocument,
      { id: vehicle.id, input: { nickname: 'x' } },
      { token: alice.token },
    );
    expect(errorCodes(changeRemoved)).toEqual(['CONFLICT']);
    const again = await addOk(bob.token, vinFor(1));
    expect(again.id).not.toBe(vehicle.id);
    expect(
      await db()
        .collection('vehicles')
        .countDocuments({ vin: vinFor(1) }),
    ).toBe(2);
  });

  it("resolves the owner from identity, and the user's vehicles from this subgraph", async () => {
    const vehicle = await addOk(alice.token, vinFor(2));
    const owner = await t.request(VehicleOwnerDocument, { id: vehicle.id }, { token: alice.token });
    expect(owner.errors).toBeUndefined();
    expect(owner.data!.vehicle!.owner).toEqual({ id: alice.id, email: alice.email, name: 'alice' });

    const garage = await t.request(MyGarageDocument, {}, { token: alice.token });
    expect(garage.errors).toBeUndefined();
    expect(garage.data!.me!.vehicles.map((v) => v.vin)).toContain(vinFor(2));
    expect(garage.data!.me!.vehicles.map((v) => v.vin)).not.toContain(vinFor(1));
  });

  it('refuses bad VINs and years with BAD_USER_INPUT and the reason, storing nothing', async () => {
    const before = await db().collection('vehicles').countDocuments();
    const cases: [string, number | undefined, RegExp][] = [
      ['1HGCM82633A00435', undefined, /17 characters, got 16/],
      ['1HGCM82633A00435O', undefined, /I, O or Q/],
      ['1HGCM82643A004352', undefined, /check digit \(position 9\) is 4, expected 3/],
      [vinFor(3), 2010, /year 2010 contradicts the VIN, whose model year is 2003/],
      [EUROPEAN_VIN, 1970, /year must be 1980 or later/],
    ];
    for (const [vin, year, reason] of cases) {
      const response = await add(alice.token, { vin, year });
      expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
      expect(response.errors![0]!.message).toMatch(reason);
      expect(response.data).toBeNull();
    }
    expect(await db().collection('vehicles').countDocuments()).toBe(before);
    // Outside North America the check digit is not enforced and the owner's year stands.
    const european = await add(alice.token, { vin: EUROPEAN_VIN, year: 2004 });
    expect(european.data!.addVehicle).toMatchObject({ make: 'Volkswagen', year: 2004, vinInfo: { region: 'EUROPE' } });
  });

  it('allows one active vehicle per VIN, also under concurrent adds', async () => {
    await addOk(alice.token, vinFor(4));
    const duplicate = await add(bob.token, { vin: vinFor(4) });
    expect(errorCodes(duplicate)).toEqual(['CONFLICT']);
    expect(duplicate.errors![0]!.message).toBe('A vehicle with this VIN is already registered');

    const racing = await Promise.all([add(alice.token, { vin: vinFor(5) }), add(bob.token, { vin: vinFor(5) })]);
    expect(racing.map((r) => errorCodes(r)[0] ?? 'OK').sort()).toEqual(['CONFLICT', 'OK']);
    expect(
      await db()
        .collection('vehicles')
        .countDocuments({ vin: { $in: [vinFor(4), vinFor(5)] } }),
    ).toBe(2);
  });

  it("refuses another customer's vehicle with FORBIDDEN, leaking and changing nothing", async () => {
    const vehicle = await addOk(alice.token, vinFor(6));
    const device = (await pair(alice.token, vehicle.id, 'ALICE-DONGLE')).data!.pairObdDevice;

    const read = await t.request(VehicleDocument, { id: vehicle.id }, { token: bob.token });
    expect(errorCodes(read)).toEqual(['FORBIDDEN']);
    expect(read.data).toEqual({ vehicle: null });
    expect(JSON.stringify(read)).not.toContain(vinFor(6));
    // An unknown id looks the same to a customer, so ids cannot be probed.
    const unknown = await t.request(VehicleDocument, { id: '0123456789abcdef01234567' }, { token: bob.token });
    expect(errorCodes(unknown)).toEqual(['FORBIDDEN']);

    const attempts = [
      t.request(UpdateVehicleDocument, { id: vehicle.id, input: { nickname: 'mine now' } }, { token: bob.token }),
      t.request(RemoveVehicleDocument, { id: vehicle.id }, { token: bob.token }),
      pair(bob.token, vehicle.id, 'BOB-DONGLE'),
      t.request(RevokeObdDeviceDocument, { id: device.device.id }, { token: bob.token }),
      t.request(AllVehiclesDocument, {}, { token: bob.token }),
    ];
    for (const response of await Promise.all(attempts)) {
      expect(errorCodes(response)).toEqual(['FORBIDDEN']);
      expect(response.data).toBeNull();
    }
    const stored = await t.request(VehicleDevicesDocument, { id: vehicle.id }, { token: alice.token });
    expect(stored.data!.vehicle).toMatchObject({ devices: [{ id: device.device.id, revokedAt: null }] });
    expect((await t.request(VehicleDocument, { id: vehicle.id }, { token: alice.token })).data!.vehicle).toMatchObject({
      nickname: null,
      removedAt: null,
    });
    expect(await db().collection('obd_devices').countDocuments({ serial: 'BOB-DONGLE' })).toBe(0);
    const bobsGarage = await t.request(MyGarageDocument, {}, { token: bob.token });
    expect(bobsGarage.data!.me!.vehicles.map((v) => v.id)).not.toContain(vehicle.id);
  });

  it('lets admins see every vehicle and every garage', async () => {
    const vehicle = await addOk(alice.token, vinFor(7));
    const read = await t.request(VehicleOwnerDocument, { id: vehicle.id }, { token: adminToken });
    expect(read.data!.vehicle!.owner.email).toBe(alice.email);
    expect((await t.request(VehicleDocument, { id: '0123456789abcdef01234567' }, { token: adminToken })).data).toEqual({
      vehicle: null,
    });

    const first = await t.request(AllVehiclesDocument, { first: 2 }, { token: adminToken });
    expect(first.errors).toBeUndefined();
    expect(first.data!.vehicles.pageInfo.hasNextPage).toBe(true);
    const all = await t.request(AllVehiclesDocument, { first: 100, includeRemoved: true }, { token: adminToken });
    expect(all.data!.vehicles.totalCount).toBe(await db().collection('vehicles').countDocuments());
    expect(all.data!.vehicles.edges.map((e) => e.node.id)).toContain(vehicle.id);

    const users = await t.request(UsersWithVehiclesDocument, {}, { token: adminToken });
    expect(users.errors).toBeUndefined();
    const alices = users.data!.users.edges.find((e) => e.node.id === alice.id)!;
    expect(alices.node.vehicles.map((v) => v.id)).toContain(vehicle.id);
  });

  it('refuses anonymous callers and malformed ids', async () => {
    expect(errorCodes(await t.request(MyVehiclesDocument, {}))).toEqual(['UNAUTHENTICATED']);
    expect(errorCodes(await t.request(AddVehicleDocument, { input: { vin: vinFor(8) } }))).toEqual(['UNAUTHENTICATED']);
    expect(
      await db()
        .collection('vehicles')
        .countDocuments({ vin: vinFor(8) }),
    ).toBe(0);
    const malformed = await t.request(VehicleDocument, { id: 'not-an-id' }, { token: alice.token });
    expect(errorCodes(malformed)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('OBD devices through the gateway', () => {
  it('pairs a device whose token authenticates at the gateway as that device only, until revoked', async () => {
    const vehicle = await addOk(alice.token, vinFor(20));
    const paired = await pair(alice.token, vehicle.id, 'elm327-0001');
    expect(paired.errors).toBeUndefined();
    const { deviceToken, device } = paired.data!.pairObdDevice;
    expect(deviceToken).toMatch(/^dt_[0-9a-f]{24}_[A-Za-z0-9_-]{43}$/);
    expect(deviceToken.slice(3, 27)).toBe(device.id);
    expect(device).toMatchObject({ serial: 'ELM327-0001', vehicleId: vehicle.id, revokedAt: null });
    const stored = await db().collection('obd_devices').findOne({ serial: 'ELM327-0001' });
    expect(JSON.stringify(stored)).not.toContain(deviceToken.slice(28));

    // Authenticated (no UNAUTHENTICATED), but as a device: not a user, and no vehicle queries.
    const me = await t.request(MeDocument, {}, { token: deviceToken });
    expect(me.errors).toBeUndefined();
    expect(me.data!.me).toBeNull();
    for (const response of [
      await t.request(MyVehiclesDocument, {}, { token: deviceToken }),
      await t.request(VehicleDocument, { id: vehicle.id }, { token: deviceToken }),
      await pair(deviceToken, vehicle.id, 'ELM327-0002'),
    ]) {
      expect(errorCodes(response)).toEqual(['FORBIDDEN']);
    }

    const listed = await t.request(VehicleDevicesDocument, { id: vehicle.id }, { token: alice.token });
    expect(listed.data!.vehicle!.devices).toEqual([
      { id: device.id, serial: 'ELM327-0001', vehicleId: vehicle.id, revokedAt: null },
    ]);

    const revoked = await t.request(RevokeObdDeviceDocument, { id: device.id }, { token: alice.token });
    expect(revoked.data!.revokeObdDevice.revokedAt).not.toBeNull();
    await sleep(1100);
    const after = await t.request(MeDocument, {}, { token: deviceToken });
    expect(after.status).toBe(401);
    expect(errorCodes(after)).toEqual(['UNAUTHENTICATED']);
    expect(
      (await t.request(VehicleDevicesDocument, { id: vehicle.id }, { token: alice.token })).data!.vehicle!.devices,
    ).toEqual([]);
    const history = await t.request(
      VehicleDevicesDocument,
      { id: vehicle.id, includeRevoked: true },
      { token: alice.token },
    );
    expect(history.data!.vehicle!.devices.map((d) => d.id)).toEqual([device.id]);
  });

  it('re-pairs a serial with a new token, refuses it on a stranger vehicle, and caps devices per vehicle', async () => {
    const car = await addOk(alice.token, vinFor(21));
    const bobsCar = await addOk(bob.token, vinFor(22));
    const first = (await pair(alice.token, car.id, 'SHARED-1')).data!.pairObdDevice;
    const stolen = await pair(bob.token, bobsCar.id, 'SHARED-1');
    expect(errorCodes(stolen)).toEqual(['CONFLICT']);
    expect(JSON.stringify(stolen)).not.toContain(car.id);
    const second = (await pair(alice.token, car.id, 'SHARED-1')).data!.pairObdDevice;
    expect(second.device.id).not.toBe(first.device.id);
    await sleep(1100);
    expect(errorCodes(await t.request(MeDocument, {}, { token: first.deviceToken }))).toEqual(['UNAUTHENTICATED']);
    expect((await t.request(MeDocument, {}, { token: second.deviceToken })).errors).toBeUndefined();

    for (let n = 2; n <= 5; n++) expect((await pair(alice.token, car.id, `SHARED-${n}`)).errors).toBeUndefined();
    const sixth = await pair(alice.token, car.id, 'SHARED-6');
    expect(errorCodes(sixth)).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await pair(alice.token, car.id, 'bad serial!'))).toEqual(['BAD_USER_INPUT']);
    expect(
      await db()
        .collection('obd_devices')
        .countDocuments({ serial: { $in: ['SHARED-6', 'BAD SERIAL!'] } }),
    ).toBe(0);
  });

  it("removing a vehicle revokes its devices' tokens", async () => {
    const vehicle = await addOk(alice.token, vinFor(23));
    const { deviceToken } = (await pair(alice.token, vehicle.id, 'GONE-1')).data!.pairObdDevice;
    expect((await t.request(MeDocument, {}, { token: deviceToken })).errors).toBeUndefined();
    await t.request(RemoveVehicleDocument, { id: vehicle.id }, { token: alice.token });
    await sleep(1100);
    expect(errorCodes(await t.request(MeDocument, {}, { token: deviceToken }))).toEqual(['UNAUTHENTICATED']);
  });
});

describe('internal routes of the vehicles subgraph', () => {
  const origin = () => new URL(t.system.subgraphs.find((s) => s.name === 'vehicles')!.url).origin;
  const call = (path: string, body: unknown, secret?: string) =>
    fetch(`${origin()}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(secret ? { [INTERNAL_SECRET_HEADER]: secret } : {}) },
      body: JSON.stringify(body),
    });

  it('refuse calls without the internal secret', async () => {
    for (const path of ['/internal/devices/verify', '/internal/vehicles/ownership']) {
      expect((await call(path, {})).status).toBe(403);
      expect((await call(path, {}, 'wrong-secret')).status).toBe(403);
    }
  });

  it('verify a device token', async () => {
    const vehicle = await addOk(alice.token, vinFor(30));
    const { deviceToken, device } = (await pair(alice.token, vehicle.id, 'VERIFY-1')).data!.pairObdDevice;
    const secret = t.config.INTERNAL_SECRET;
    const live = await call('/internal/devices/verify', { credential: deviceToken }, secret);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ valid: true, deviceId: device.id, vehicleId: vehicle.id });
    const forged = `${deviceToken.slice(0, 28)}${'A'.repeat(43)}`;
    for (const credential of [forged, 'dt_nonsense', 42, undefined]) {
      const response = await call('/internal/devices/verify', { credential }, secret);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ valid: false });
    }
  });

  it('answer vehicle ownership, as the shared access client expects', async () => {
    const vehicle = await addOk(bob.token, vinFor(31));
    const removed = await addOk(bob.token, vinFor(32));
    await t.request(RemoveVehicleDocument, { id: removed.id }, { token: bob.token });
    const secret = t.config.INTERNAL_SECRET;
    const response = await call(
      '/internal/vehicles/ownership',
      { vehicleIds: [vehicle.id, removed.id, '0123456789abcdef01234567', 'junk'] },
      secret,
    );
    expect(await response.json()).toEqual({
      vehicles: [
        { vehicleId: vehicle.id, ownerId: bob.id, active: true },
        { vehicleId: removed.id, ownerId: bob.id, active: false },
      ],
    });
    expect(
      (await call('/internal/vehicles/ownership', { vehicleIds: Array(501).fill(vehicle.id) }, secret)).status,
    ).toBe(400);
    expect((await call('/internal/vehicles/ownership', { vehicleIds: 'all' }, secret)).status).toBe(400);

    const urls = Object.fromEntries(t.system.subgraphs.map((s) => [s.name, s.url])) as never;
    const access = vehicleAccessFor(t.system.deps, urls);
    expect(await access.ownership(vehicle.id)).toEqual({ vehicleId: vehicle.id, ownerId: bob.id, active: true });
    expect(await access.ownership('0123456789abcdef01234567')).toBeNull();
  });
});

describe('vehicle events', () => {
  it('are published on the bus', async () => {
    const seen: string[] = [];
    const topics = [
      'vehicles.vehicle.added',
      'vehicles.vehicle.removed',
      'vehicles.device.paired',
      'vehicles.device.revoked',
    ];
    const stops = topics.map((topic) => t.system.deps.bus.subscribe(topic, () => void seen.push(topic)));
    const vehicle = await addOk(alice.token, vinFor(40));
    await pair(alice.token, vehicle.id, 'EVENTS-1');
    await t.request(RemoveVehicleDocument, { id: vehicle.id }, { token: alice.token });
    stops.forEach((stop) => stop());
    expect(seen).toEqual([
      'vehicles.vehicle.added',
      'vehicles.device.paired',
      'vehicles.device.revoked',
      'vehicles.vehicle.removed',
    ]);
  });
});
