import DataLoader from 'dataloader';
import { toUser, type UserStore } from './user.store.js';
import type { User } from './user.type.js';

/** One loader per request: entity references from the gateway arrive in batches. */
export const createUserLoader = (store: UserStore) =>
  new DataLoader<string, User | null>(async (ids) => (await store.findByIds(ids)).map((d) => (d ? toUser(d) : null)), {
    maxBatchSize: 500,
  });
export type UserLoader = ReturnType<typeof createUserLoader>;
