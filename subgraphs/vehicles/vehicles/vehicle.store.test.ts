import { ObjectId } from 'mongodb';
import { useScratchDatabase } from '../../../test/scratch-database.js';
import type { VinInfo } from './vehicle.type.js';
import { VehicleStore, type VehicleDocument } from './vehicle.store.js';

const db = useScratchDatabase('vehicle_store');
let vehicles: VehicleStore;

beforeAll(async () => {
  vehicles = new VehicleStore(db());
  await vehicles.init();
});

async function insert(vin: string, model: string): Promise<string> {
  const now = new Date();
  const doc: VehicleDocument = {
    _id: new ObjectId(),
    ownerId: new ObjectId().toHexString(),
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
});
