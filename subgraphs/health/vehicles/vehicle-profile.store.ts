import type { Collection, Db } from 'mongodb';
import { ensureIndexes, type IndexDeclaration } from '../../../platform/mongo/indexes.js';
import type { VehicleProfile } from './vehicle-directory.js';
import { isDuplicateKey } from '../../../platform/mongo/duplicate-key.js';

/** A copy of what a vehicle is (make, model, year), kept so that similar vehicles can be found. */
export interface ProfileDocument {
  _id: string;
  make: string | null;
  model: string | null;
  year: number | null;
  /** `make|model|year` in lower case; null unless all three are known. */
  similarKey: string | null;
  active: boolean;
  fetchedAt: Date;
}

export const similarKeyOf = (p: Pick<VehicleProfile, 'make' | 'model' | 'year'>) =>
  p.make && p.model && p.year ? `${p.make.trim().toLowerCase()}|${p.model.trim().toLowerCase()}|${p.year}` : null;

/** Peers beyond this are not looked at: enough for an average, and bounded work per query. */
export const MAX_PEERS = 1000;

export const VEHICLE_PROFILE_INDEXES: IndexDeclaration[] = [{ key: { similarKey: 1, active: 1 } }];

export class VehicleProfileStore {
  static readonly collection = 'vehicle_profiles';
  private readonly profiles: Collection<ProfileDocument>;

  constructor(db: Db) {
    this.profiles = db.collection<ProfileDocument>(VehicleProfileStore.collection);
  }

  init(): Promise<void> {
    return ensureIndexes(this.profiles, VEHICLE_PROFILE_INDEXES);
  }

  find(vehicleId: string): Promise<ProfileDocument | null> {
    return this.profiles.findOne({ _id: String(vehicleId) });
  }

  async save(profile: VehicleProfile, at: Date): Promise<ProfileDocument> {
    const doc: ProfileDocument = {
      _id: String(profile.vehicleId),
      make: profile.make,
      model: profile.model,
      year: profile.year,
      similarKey: similarKeyOf(profile),
      active: profile.active,
      fetchedAt: at,
    };
    const { _id, ...fields } = doc;
    await this.profiles.updateOne({ _id }, { $set: fields }, { upsert: true }).catch((error: { code?: number }) => {
      // Two first sightings raced to create it; the other one's copy is as good.
      if (!isDuplicateKey(error)) throw error;
    });
    return doc;
  }

  /** Ids of active vehicles of the same make, model and year. */
  async similar(similarKey: string): Promise<string[]> {
    const docs = await this.profiles
      .find({ similarKey, active: true }, { projection: { _id: 1 } })
      .limit(MAX_PEERS)
      .toArray();
    return docs.map((d) => d._id);
  }
}
