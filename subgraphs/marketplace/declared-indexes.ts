import type { IndexDeclaration } from '../../platform/mongo/indexes.js';
import { CENTRE_INDEXES, CentreStore } from './centres/centre.store.js';

/** Every index the marketplace stores declare, by collection (bookings and reviews add theirs). */
export const MARKETPLACE_INDEXES: Readonly<Record<string, IndexDeclaration[]>> = {
  [CentreStore.collection]: CENTRE_INDEXES,
};
