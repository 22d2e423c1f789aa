import type { SubgraphContext } from '../../platform/subgraph/context.js';
import type { CentreLoaders } from './centres/centre.loader.js';

export interface MarketplaceContext extends SubgraphContext {
  loaders: CentreLoaders;
}
