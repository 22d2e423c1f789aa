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
    invalidOutputs: s.invalidOutputs,
    healthy: s.healthy,
    lastCheckedAt: s.check ? new Date(s.check.at) : null,
    lastCheckOk: s.check?.ok ?? null,
    lastCheckError: s.check?.error ?? (s.check && !s.check.ok ? 'check failed' : null),
    modelListed: s.check?.modelListed ?? null,
  }));
}
