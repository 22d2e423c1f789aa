import type { SubgraphContext } from '../../platform/subgraph/context.js';
import type { UserLoader } from './users/user.loader.js';

export interface IdentityContext extends SubgraphContext {
  userLoader: UserLoader;
  ip?: string;
}
