import DataLoader from 'dataloader';
import type { VehicleDocument, VehicleStore } from './vehicle.store.js';

/** One set per request: the gateway sends entity references and `User.vehicles` in batches. */
export const createVehicleLoaders = (store: VehicleStore) => ({
  byId: new DataLoader<string, VehicleDocument | null>((ids) => store.findByIds(ids), { maxBatchSize: 500 }),
  activeByOwner: new DataLoader<string, VehicleDocument[]>((ownerIds) => store.activeByOwners(ownerIds), {
    maxBatchSize: 500,
  }),
});
export type VehicleLoaders = ReturnType<typeof createVehicleLoaders>;
