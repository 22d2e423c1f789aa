import { ObjectId, type Collection, type Db } from 'mongodb';
import { ensureIndexes, type IndexDeclaration } from '../../../../platform/mongo/indexes.js';

/** One browser's push subscription (RFC 8030 endpoint + RFC 8291 keys), owned by one user. */
export interface PushDeviceDocument {
  _id: ObjectId;
  userId: string;
  endpoint: string;
  /** Base64url P-256 public key and auth secret of the browser, for the payload encryption. */
  p256dh: string;
  auth: string;
  createdAt: Date;
}

export const PUSH_DEVICE_INDEXES: IndexDeclaration[] = [
  // A subscription belongs to one browser: registering it again (another account signs in there) moves it.
  { key: { endpoint: 1 }, options: { unique: true } },
  { key: { userId: 1, _id: 1 } },
];

/** Filters are built here from server-established ids and the validated endpoint only. */
export class PushDeviceStore {
  static readonly collection = 'push_devices';
  private readonly devices: Collection<PushDeviceDocument>;

  constructor(db: Db) {
    this.devices = db.collection<PushDeviceDocument>(PushDeviceStore.collection);
  }

  init(): Promise<void> {
    return ensureIndexes(this.devices, PUSH_DEVICE_INDEXES);
  }

  /** Registers (or moves to `userId`, with fresh keys) the subscription at `endpoint`. */
  async upsert(userId: string, endpoint: string, keys: { p256dh: string; auth: string }, now: Date) {
    const doc = await this.devices.findOneAndUpdate(
      { endpoint },
      { $set: { userId, p256dh: keys.p256dh, auth: keys.auth }, $setOnInsert: { _id: new ObjectId(), createdAt: now } },
      { upsert: true, returnDocument: 'after' },
    );
    return doc!;
  }

  byUser(userId: string): Promise<PushDeviceDocument[]> {
    return this.devices.find({ userId }).sort({ _id: 1 }).toArray();
  }

  countByUser(userId: string): Promise<number> {
    return this.devices.countDocuments({ userId });
  }

  async findByEndpoint(endpoint: string): Promise<PushDeviceDocument | null> {
    return this.devices.findOne({ endpoint });
  }

  /** Removes the user's own device; false when it is not theirs or gone. */
  async removeOwn(userId: string, id: ObjectId): Promise<PushDeviceDocument | null> {
    return this.devices.findOneAndDelete({ _id: id, userId });
  }

  /** The push service said the subscription is gone (404/410): only that registration, if unchanged. */
  async removeGone(id: ObjectId, endpoint: string): Promise<void> {
    await this.devices.deleteOne({ _id: id, endpoint });
  }
}
