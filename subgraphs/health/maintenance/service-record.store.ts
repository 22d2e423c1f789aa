import { ObjectId, type Collection, type Db } from 'mongodb';
import { ensureIndexes, type IndexDeclaration } from '../../../platform/mongo/indexes.js';
import type { ServiceKind } from './service-kind.js';

/** A service done on a vehicle, as its owner or a mechanic recorded it. */
export interface ServiceRecordDocument {
  _id: ObjectId;
  vehicleId: string;
  kind: ServiceKind;
  at: Date;
  odometerKm: number | null;
  recordedBy: string;
  recordedAt: Date;
}

/** Most records a vehicle's maintenance plan lists (newest first). */
export const SERVICE_RECORDS_LIMIT = 50;

/** A vehicle's records, newest first (ties by `_id`). */
export const SERVICE_RECORD_INDEXES: IndexDeclaration[] = [{ key: { vehicleId: 1, at: -1, _id: -1 } }];

export class ServiceRecordStore {
  static readonly collection = 'service_records';
  private readonly records: Collection<ServiceRecordDocument>;

  constructor(db: Db) {
    this.records = db.collection<ServiceRecordDocument>(ServiceRecordStore.collection);
  }

  init(): Promise<void> {
    return ensureIndexes(this.records, SERVICE_RECORD_INDEXES);
  }

  async insert(doc: ServiceRecordDocument): Promise<void> {
    await this.records.insertOne(doc);
  }

  async remove(id: ObjectId): Promise<void> {
    await this.records.deleteOne({ _id: id });
  }

  forVehicle(vehicleId: string): Promise<ServiceRecordDocument[]> {
    return this.records
      .find({ vehicleId: String(vehicleId) })
      .sort({ at: -1, _id: -1 })
      .limit(SERVICE_RECORDS_LIMIT)
      .toArray();
  }

  count(vehicleId: string): Promise<number> {
    return this.records.countDocuments({ vehicleId: String(vehicleId) });
  }
}
