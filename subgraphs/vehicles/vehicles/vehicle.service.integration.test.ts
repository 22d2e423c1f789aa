import { ObjectId } from 'mongodb';
import { ClutchError } from '../../../platform/errors.js';
import { InProcessEventBus } from '../../../platform/events/in-process.js';
import { useScratchDatabase } from '../../../test/scratch-database.js';
import { DeviceService } from '../devices/device.service.js';
import { DeviceStore } from '../devices/device.store.js';
import { DEVICE_PAIRED, DEVICE_REVOKED, VEHICLE_ADDED, VEHICLE_REMOVED } from '../contract.js';
import { computeCheckDigit } from '../vin/vin.js';
import type { UserViewer } from './vehicle-policy.js';
import { VehicleService } from './vehicle.service.js';
import { VehicleStore } from './vehicle.store.js';

/** A valid North American VIN with serial number `n` (model year 2003). */
const vinFor = (n: number) => {
  const draft = `1HGCM8260${'3A'}${String(n).padStart(6, '0')}`;
  return draft.slice(0, 8) + computeCheckDigit(draft) + draft.slice(9);
};
const customer = (): UserViewer => ({ kind: 'user', userId: new ObjectId().toHexString(), roles: ['CUSTOMER'] });
const staff: UserViewer = { kind: 'user', userId: new ObjectId().toHexString(), roles: ['STAFF'] };

async function code(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
    return 'OK';
  } catch (error) {
    if (!(error instanceof ClutchError)) throw error;
    return error.extensions.code;
  }
}

const db = useScratchDatabase('vehicles');
let vehicles: VehicleService;
let devices: DeviceService;
const events: { topic: string; payload: any }[] = [];

beforeAll(async () => {
  const bus = new InProcessEventBus();
  for (const topic of [VEHICLE_ADDED, VEHICLE_REMOVED, DEVICE_PAIRED, DEVICE_REVOKED]) {
    bus.subscribe(topic, (payload) => void events.push({ topic, payload }));
  }
  const vehicleStore = new VehicleStore(db());
  const deviceStore = new DeviceStore(db());
  await Promise.all([vehicleStore.init(), deviceStore.init()]);
  devices = new DeviceService(deviceStore, vehicleStore, bus, { maxDevicesPerVehicle: 2 });
  vehicles = new VehicleService(vehicleStore, devices, bus, { maxVehiclesPerOwner: 3 });
});
beforeEach(() => void events.splice(0));

describe('VehicleService (real database)', () => {
  it('lets exactly one of two concurrent adds of one VIN through; the other is CONFLICT', async () => {
    const [alice, bob] = [customer(), customer()];
    const vin = vinFor(1);
    const results = await Promise.all([code(vehicles.add(alice, { vin })), code(vehicles.add(bob, { vin }))]);
    expect(results.sort()).toEqual(['CONFLICT', 'OK']);
    expect(await db().collection('vehicles').countDocuments({ vin })).toBe(1);
    expect(events.filter((e) => e.topic === VEHICLE_ADDED)).toHaveLength(1);
  });

  it('frees the VIN on removal, keeps the removed vehicle as history, and publishes both events', async () => {
    const alice = customer();
    const vin = vinFor(2);
    const first = await vehicles.add(alice, { vin, nickname: 'Old' });
    const removed = await vehicles.remove(alice, first.id);
    expect(removed.removedAt).toBeInstanceOf(Date);
    const again = await vehicles.add(customer(), { vin });
    expect(again.id).not.toBe(first.id);
    expect(await db().collection('vehicles').countDocuments({ vin })).toBe(2);
    expect(events.map((e) => e.topic)).toEqual([VEHICLE_ADDED, VEHICLE_REMOVED, VEHICLE_ADDED]);
    expect(events[1]!.payload).toMatchObject({ vehicleId: first.id, ownerId: alice.userId, vin });
    // A second removal changes nothing and says nothing.
    expect((await vehicles.remove(alice, first.id)).removedAt).toEqual(removed.removedAt);
    expect(events).toHaveLength(3);
  });

  it('recovers a VIN whose claim a crash left behind', async () => {
    const vin = vinFor(3);
    // The vehicle was marked removed, but the process died before the VIN was released.
    const ghost = new ObjectId();
    await db().collection('vehicles').insertOne({ _id: ghost, vin, ownerId: 'x', removedAt: new Date() });
    await db()
      .collection('active_vins')
      .insertOne({ _id: vin as never, holder: ghost, claimedAt: new Date() });
    expect(await code(vehicles.add(customer(), { vin }))).toBe('OK');
    // An old claim whose vehicle was never written is dead too; a fresh one is an add in flight.
    const old = vinFor(4);
    await db()
      .collection('active_vins')
      .insertOne({ _id: old as never, holder: new ObjectId(), claimedAt: new Date(Date.now() - 3_600_000) });
    expect(await code(vehicles.add(customer(), { vin: old }))).toBe('OK');
    const inFlight = vinFor(5);
    await db()
      .collection('active_vins')
      .insertOne({ _id: inFlight as never, holder: new ObjectId(), claimedAt: new Date() });
    expect(await code(vehicles.add(customer(), { vin: inFlight }))).toBe('CONFLICT');
  });

  it('caps the active vehicles of one owner', async () => {
    const alice = customer();
    for (let n = 10; n < 13; n++) await vehicles.add(alice, { vin: vinFor(n) });
    expect(await code(vehicles.add(alice, { vin: vinFor(13) }))).toBe('BAD_USER_INPUT');
    expect(
      await db()
        .collection('vehicles')
        .countDocuments({ vin: vinFor(13) }),
    ).toBe(0);
  });

  it('refuses to change a removed vehicle', async () => {
    const alice = customer();
    const { id } = await vehicles.add(alice, { vin: vinFor(20) });
    await vehicles.remove(alice, id);
    expect(await code(vehicles.update(alice, id, { nickname: 'x' }))).toBe('CONFLICT');
    expect(await code(devices.pair(alice, id, 'SER-REMOVED'))).toBe('CONFLICT');
  });
});

describe('DeviceService (real database)', () => {
  it('re-pairing a serial on the same vehicle replaces the token', async () => {
    const alice = customer();
    const { id } = await vehicles.add(alice, { vin: vinFor(30) });
    const first = await devices.pair(alice, id, ' elm-0001 ');
    expect(first.device.serial).toBe('ELM-0001');
    const second = await devices.pair(alice, id, 'ELM-0001');
    expect(await devices.verify(first.deviceToken)).toBeNull();
    expect(await devices.verify(second.deviceToken)).toEqual({ deviceId: second.device.id, vehicleId: id });
    expect(events.filter((e) => e.topic === DEVICE_REVOKED).map((e) => e.payload.reason)).toEqual(['REPAIRED']);
  });

  it("moves a dongle between its owner's vehicles, but not onto a stranger's", async () => {
    const [alice, mallory] = [customer(), customer()];
    const car = await vehicles.add(alice, { vin: vinFor(31) });
    const van = await vehicles.add(alice, { vin: vinFor(32) });
    const theirs = await vehicles.add(mallory, { vin: vinFor(33) });
    const onCar = await devices.pair(alice, car.id, 'ELM-0002');
    expect(await code(devices.pair(mallory, theirs.id, 'ELM-0002'))).toBe('CONFLICT');
    expect(await devices.verify(onCar.deviceToken)).not.toBeNull();
    const onVan = await devices.pair(alice, van.id, 'ELM-0002');
    expect(await devices.verify(onCar.deviceToken)).toBeNull();
    expect((await devices.verify(onVan.deviceToken))!.vehicleId).toBe(van.id);
    // Staff may move it anywhere.
    expect(await code(devices.pair(staff, theirs.id, 'ELM-0002'))).toBe('OK');
  });

  it('caps live devices per vehicle and refuses a malformed serial', async () => {
    const alice = customer();
    const { id } = await vehicles.add(alice, { vin: vinFor(34) });
    await devices.pair(alice, id, 'CAP-1');
    await devices.pair(alice, id, 'CAP-2');
    expect(await code(devices.pair(alice, id, 'CAP-3'))).toBe('BAD_USER_INPUT');
    expect(await code(devices.pair(alice, id, 'CAP-2'))).toBe('OK');
    expect(await code(devices.pair(alice, id, 'no spaces'))).toBe('BAD_USER_INPUT');
    expect(await code(devices.pair(alice, id, 'x'))).toBe('BAD_USER_INPUT');
    expect(
      await db()
        .collection('obd_devices')
        .countDocuments({ serial: { $in: ['CAP-3', 'NO SPACES', 'X'] } }),
    ).toBe(0);
  });

  it('revokes every device of a removed vehicle, and tokens of removed vehicles never verify', async () => {
    const alice = customer();
    const { id } = await vehicles.add(alice, { vin: vinFor(35) });
    const a = await devices.pair(alice, id, 'RM-1');
    const b = await devices.pair(alice, id, 'RM-2');
    await vehicles.remove(alice, id);
    expect(await devices.verify(a.deviceToken)).toBeNull();
    expect(await devices.verify(b.deviceToken)).toBeNull();
    const revoked = events.filter((e) => e.topic === DEVICE_REVOKED);
    expect(revoked.map((e) => e.payload.reason)).toEqual(['VEHICLE_REMOVED', 'VEHICLE_REMOVED']);
    // The serials are free for another vehicle.
    const other = await vehicles.add(alice, { vin: vinFor(36) });
    expect(await code(devices.pair(alice, other.id, 'RM-1'))).toBe('OK');
  });
});
