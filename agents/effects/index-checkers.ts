import { InternalClient } from '../../platform/http/internal-route.js';
import { healthRoutes } from '../../subgraphs/health/contract.js';
import { identityRoutes } from '../../subgraphs/identity/contract.js';
import { marketplaceRoutes } from '../../subgraphs/marketplace/contract.js';
import { paymentsRoutes } from '../../subgraphs/payments/contract.js';
import { telemetryRoutes } from '../../subgraphs/telemetry/contract.js';
import { vehiclesRoutes } from '../../subgraphs/vehicles/contract.js';
import type { IndexChecker } from './index-check.effect.js';

/** Each service's index-check route, as its contract declares it. */
const INDEX_ROUTES = {
  identity: identityRoutes.indexes,
  vehicles: vehiclesRoutes.indexes,
  telemetry: telemetryRoutes.indexes,
  health: healthRoutes.indexes,
  marketplace: marketplaceRoutes.indexes,
  payments: paymentsRoutes.indexes,
} as const;

/** A checker per service whose URL is known: a call to its index-check route. */
export function remoteIndexCheckers(
  urls: Partial<Record<string, string>>,
  internalSecret: string,
  timeoutMs = 10_000,
): Record<string, IndexChecker> {
  const checkers: Record<string, IndexChecker> = {};
  for (const [service, route] of Object.entries(INDEX_ROUTES)) {
    const url = urls[service];
    if (!url) continue;
    const client = new InternalClient({ url, internalSecret, timeoutMs });
    checkers[service] = () => client.call(route, {});
  }
  return checkers;
}
