import type { User } from './user.type.js';

/** Identity owns users; all this subgraph needs to resolve `User.vehicles` is the key. */
export const resolveUserReference = (reference: Pick<User, 'id'>): User => ({ id: String(reference.id) });
