import type { IdentityContext } from '../context.js';
import type { User } from './user.type.js';

/**
 * Any signed-in caller may resolve a user reference (another subgraph's entity points at it);
 * which fields of it they may read is up to the field that returned the reference.
 */
export async function resolveUserReference(
  reference: Pick<User, 'id'>,
  context: IdentityContext,
): Promise<User | null> {
  return context.userLoader.load(reference.id);
}
