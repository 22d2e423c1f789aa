import type { ProviderRouter } from '../providers/router.js';
import type { ProviderStatus } from './autonomy.type.js';

export function providerStatuses(router: ProviderRouter): ProviderStatus[] {
  return router.status().map((s) => ({
    provider: s.provider,
    model: s.model,
    baseURL: s.baseURL,
    available: s.available,
    circuit: s.circuit?.state ?? null,
    budgetRemainingUsd: s.budget?.remainingUsd ?? null,
    calls: s.calls,
    failures: s.failures,
    totalCostUsd: s.totalCostUsd,
    p95LatencyMs: s.latencyMs.p95,
  }));
}
