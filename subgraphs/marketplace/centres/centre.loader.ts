import DataLoader from 'dataloader';
import type { CentreDocument, CentreStore } from './centre.store.js';

export interface CentreLoaders {
  byId: DataLoader<string, CentreDocument | null>;
}

/** Per request: centre references (bookings, federation) batched into one `$in`. */
export const createCentreLoaders = (store: CentreStore): CentreLoaders => ({
  byId: new DataLoader((ids: readonly string[]) => store.findByIds(ids)),
});
