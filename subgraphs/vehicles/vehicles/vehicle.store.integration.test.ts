import { ObjectId } from 'mongodb';
import { itServesEveryQueryFromAnIndex, recordQueries } from '../../../test/indexed-queries.js';
import { useScratchDatabase } from '../../../test/scratch-database.js';
import { DEVICE_INDEXES, DeviceStore, type DeviceDocument } from '../devices/device.store.js';
import type { VinInfo } from './vehicle.type.js';
import { VEHICLE_INDEXES, VehicleStore, type VehicleDocument } from './vehicle.store.js';

const db = useScratchDatabase('vehicle_store', { monitorCommands: true });
const recorder = recordQueries(db);
let vehicles: VehicleStore;
let devices: DeviceStore;

beforeAll(async () => {
  vehicles = new VehicleStore(db());
  devices = new DeviceStore(db());
  await Promise.all([vehicles.init(), devices.init()]);
});

async function insert(vin: string, model: string, ownerId = new ObjectId().toHexString()): Promise<string> {
  const now = new Date();
  const doc: VehicleDocument = {
    _id: new ObjectId(),
    ownerId,
    vin,
    vinInfo: {} as VinInfo,
    make: null,
    model,
    year: null,
    nickname: null,
    createdAt: now,
    updatedAt: now,
    removedAt: null,
  };
  expect(await vehicles.insert(doc)).toEqual({ ok: true });
  return doc._id.toHexString();
}

describe('VehicleStore.findByIds (real database)', () => {
  it('answers in the order asked, repeats duplicates, and gives null for unknown or malformed ids', async () => {
    const a = await insert('VINA', 'A');
    const b = await insert('VINB', 'B');
    const found = await vehicles.findByIds([b, 'nope', a, new ObjectId().toHexString(), b, a.toUpperCase(), `${a}0`]);
    expect(found.map((v) => v?.model ?? null)).toEqual(['B', null, 'A', null, 'B', null, null]);
    expect(await vehicles.findByIds([])).toEqual([]);
  });

  it('reads the vehicles of concurrent vehicle(id) callers with one query, each its own, afresh after a write', async () => {
    const a = await insert('VINR1', 'R1');
    const b = await insert('VINR2', 'R2');
    const byId = () => recorder.queries().filter((q) => q.command === 'find' && q.shape.equality.includes('_id'));
    const before = byId().length;

    const [first, second, unknown, again] = await Promise.all([
      vehicles.readById(new ObjectId(a)),
      vehicles.readById(new ObjectId(b)),
      vehicles.readById(new ObjectId()),
      vehicles.readById(new ObjectId(a)),
    ]);

    expect([first?.model, second?.model, unknown, again?.model]).toEqual(['R1', 'R2', null, 'R1']);
    expect(byId().length - before).toBe(1);
    await vehicles.remove(new ObjectId(a), new Date());
    expect((await vehicles.readById(new ObjectId(a)))?.removedAt).toBeInstanceOf(Date);
    expect(byId().length - before).toBeGreaterThan(1);
  });
});

describe('VehicleStore lists (real database)', () => {
  it("lists each owner's active vehicles oldest first, in the order of the owners asked, and pages the fleet newest first", async () => {
    const [owner1, owner2, nobody] = [1, 2, 3].map(() => new ObjectId().toHexString());
    const first = await insert('VINL1', 'L1', owner1);
    const second = await insert('VINL2', 'L2', owner1);
    const third = await insert('VINL3', 'L3', owner2);
    await vehicles.remove(new ObjectId(second), new Date());
    const models = (docs: VehicleDocument[]) => docs.map((d) => d.model);

    expect((await vehicles.activeByOwners([owner2, nobody, owner1])).map(models)).toEqual([['L3'], [], ['L1']]);
    expect(await vehicles.countActiveByOwner(owner1)).toBe(1);

    const active = await vehicles.list(false, { first: 2 });
    expect(active.edges.map((e) => e.node.id)).toEqual([third, first]);
    expect(await active.totalCount).toBe((await vehicles.list(false, { first: 100 })).edges.length);
    const all = await vehicles.list(true, { first: 100 });
    expect(all.edges.map((e) => e.node.id).slice(0, 3)).toEqual([third, second, first]);
    expect(await all.totalCount).toBe(all.edges.length);
    const next = await vehicles.list(true, { first: 1, after: all.edges[0]!.cursor });
    expect(next.edges.map((e) => e.node.id)).toEqual([second]);
  });

  it("answers concurrent callers (several customers' myVehicles at once) with one query, each only its owners' vehicles", async () => {
    const [ann, bob, cid] = [1, 2, 3].map(() => new ObjectId().toHexString());
    await insert('VINC1', 'C1', ann);
    await insert('VINC2', 'C2', bob);
    await insert('VINC3', 'C3', ann);
    await insert('VINC4', 'C4', cid);
    const models = (docs: VehicleDocument[]) => docs.map((d) => d.model);
    const byOwner = () =>
      recorder.queries().filter((q) => q.command === 'find' && q.shape.equality.includes('ownerId'));
    const before = byOwner().length;

    const [first, second, third] = await Promise.all([
      vehicles.activeByOwners([ann]),
      vehicles.activeByOwners([bob, ann]),
      vehicles.activeByOwners([new ObjectId().toHexString()]),
    ]);

    expect(first.map(models)).toEqual([['C1', 'C3']]);
    expect(second.map(models)).toEqual([['C2'], ['C1', 'C3']]);
    expect(third.map(models)).toEqual([[]]);
    expect(byOwner().length - before).toBe(1);
  });

  it("reads only the fields its callers' selections need, together, and whole documents when one caller needs them", async () => {
    const [ann, bob] = [1, 2].map(() => new ObjectId().toHexString());
    const annVehicle = await insert('VINP1', 'P1', ann);
    await insert('VINP2', 'P2', bob);
    const byOwner = () =>
      recorder.queries().filter((q) => q.command === 'find' && q.shape.equality.includes('ownerId'));
    const before = byOwner().length;

    const [vins, models] = await Promise.all([
      vehicles.activeOfOwner(ann, ['_id', 'vin']),
      vehicles.activeOfOwner(bob, ['model']),
    ]);
    expect(byOwner().length - before).toBe(1);
    // One read for both: each gets what either asked for, the owner always, nothing else.
    expect(vins).toEqual([{ _id: new ObjectId(annVehicle), ownerId: ann, vin: 'VINP1', model: 'P1' }]);
    expect(models).toEqual([{ _id: expect.any(ObjectId), ownerId: bob, vin: 'VINP2', model: 'P2' }]);

    const [projected, whole] = await Promise.all([
      vehicles.activeOfOwner(ann, ['vin']),
      vehicles.activeOfOwner(ann, null),
    ]);
    const [full] = await vehicles.activeByOwners([ann]);
    expect(whole).toEqual(full);
    expect(projected).toEqual(full);
    expect(Object.keys(full![0]!)).toEqual(expect.arrayContaining(['vinInfo', 'createdAt', 'removedAt', 'nickname']));
  });
});

describe('DeviceStore (real database)', () => {
  const pair = async (vehicleId: ObjectId, serial: string): Promise<DeviceDocument> => {
    const doc: DeviceDocument = {
      _id: new ObjectId(),
      vehicleId,
      serial,
      secretHash: 'x',
      pairedBy: 'owner',
      pairedAt: new Date(),
      revokedAt: null,
      revokedReason: null,
    };
    expect(await devices.insert(doc)).toBe(true);
    return doc;
  };

  it("lists a vehicle's devices newest first, live or all, and revokes them all once", async () => {
    const vehicleId = new ObjectId();
    const [a, b, c] = [await pair(vehicleId, 'SER-A'), await pair(vehicleId, 'SER-B'), await pair(vehicleId, 'SER-C')];
    expect((await devices.revoke(b._id, 'REVOKED', new Date()))?.revokedNow).toBe(true);
    const serials = (docs: DeviceDocument[]) => docs.map((d) => d.serial);

    expect(serials(await devices.listByVehicle(vehicleId, false))).toEqual(['SER-C', 'SER-A']);
    expect(serials(await devices.listByVehicle(vehicleId, true))).toEqual(['SER-C', 'SER-B', 'SER-A']);
    expect(await devices.countActive(vehicleId)).toBe(2);
    expect((await devices.findActiveBySerial('SER-A'))?._id).toEqual(a._id);
    expect(serials(await devices.revokeAllForVehicle(vehicleId, 'VEHICLE_REMOVED', new Date()))).toEqual(
      expect.arrayContaining(['SER-A', 'SER-C']),
    );
    expect(await devices.countActive(vehicleId)).toBe(0);
    expect(await devices.findActiveBySerial(c.serial)).toBeNull();
  });
});

itServesEveryQueryFromAnIndex(recorder, () => ({
  [VehicleStore.collection]: VEHICLE_INDEXES,
  [VehicleStore.vinClaimsCollection]: [],
  [DeviceStore.collection]: DEVICE_INDEXES,
  [DeviceStore.serialClaimsCollection]: [],
}));
