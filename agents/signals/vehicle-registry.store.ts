import type { Collection, Db } from 'mongodb';
import { ensureIndexes, type IndexDeclaration } from '../../platform/mongo/indexes.js';

interface VehicleEntry {
  _id: string;
  ownerId: string;
  active: boolean;
  updatedAt: Date;
}

export const KNOWN_VEHICLE_INDEXES: IndexDeclaration[] = [{ key: { active: 1, _id: 1 } }];

/**
 * The vehicles this subgraph has heard of through the vehicles subgraph's events; their count
 * feeds a goal, and they are what a health recompute may aim at.
 * Upserts keyed by the vehicle id, so every instance hearing the same event is harmless.
 */
export class VehicleRegistry {
  static readonly collection = 'known_vehicles';
  private readonly vehicles: Collection<VehicleEntry>;

  constructor(db: Db) {
    this.vehicles = db.collection<VehicleEntry>(VehicleRegistry.collection);
  }

  init(): Promise<void> {
    return ensureIndexes(this.vehicles, KNOWN_VEHICLE_INDEXES);
  }

  async added(vehicleId: string, ownerId: string, at: Date): Promise<void> {
    await this.vehicles.updateOne(
      { _id: String(vehicleId) },
      { $set: { ownerId: String(ownerId), active: true, updatedAt: at } },
      { upsert: true },
    );
  }

  async removed(vehicleId: string, at: Date): Promise<void> {
    await this.vehicles.updateOne({ _id: String(vehicleId) }, { $set: { active: false, updatedAt: at } });
  }

  countActive(): Promise<number> {
    return this.vehicles.countDocuments({ active: true });
  }

  /** Up to `limit` registered vehicles, in a stable order. */
  async activeIds(limit: number): Promise<string[]> {
    const docs = await this.vehicles
      .find({ active: true }, { projection: { _id: 1 } })
      .sort({ _id: 1 })
      .limit(limit)
      .toArray();
    return docs.map((d) => d._id);
  }
}
