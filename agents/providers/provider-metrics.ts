const LATENCY_SAMPLES = 100;

export interface ProviderMetricsSnapshot {
  calls: number;
  successes: number;
  failures: number;
  invalidOutputs: number;
  retries: number;
  skippedCircuitOpen: number;
  skippedBudget: number;
  totalCostUsd: number;
  latencyMs: { last: number | null; average: number | null; p95: number | null };
}

/** Counters and a bounded window of recent latencies for one provider. */
export class ProviderMetrics {
  private counts = {
    calls: 0,
    successes: 0,
    failures: 0,
    invalidOutputs: 0,
    retries: 0,
    skippedCircuitOpen: 0,
    skippedBudget: 0,
  };
  private totalCost = 0;
  private latencies: number[] = [];

  recordCall(
    outcome: 'success' | 'failure' | 'invalid_output',
    latencyMs: number,
    costUsd: number,
    retry: number,
  ): void {
    this.counts.calls++;
    if (retry > 0) this.counts.retries++;
    if (outcome === 'success') this.counts.successes++;
    else if (outcome === 'failure') this.counts.failures++;
    else this.counts.invalidOutputs++;
    this.totalCost += costUsd;
    this.latencies.push(latencyMs);
    if (this.latencies.length > LATENCY_SAMPLES) this.latencies.shift();
  }

  recordSkip(reason: 'circuit_open' | 'budget_exhausted'): void {
    if (reason === 'circuit_open') this.counts.skippedCircuitOpen++;
    else this.counts.skippedBudget++;
  }

  snapshot(): ProviderMetricsSnapshot {
    const n = this.latencies.length;
    const sorted = [...this.latencies].sort((a, b) => a - b);
    return {
      ...this.counts,
      totalCostUsd: this.totalCost,
      latencyMs: {
        last: n ? this.latencies[n - 1] : null,
        average: n ? this.latencies.reduce((s, x) => s + x, 0) / n : null,
        p95: n ? sorted[Math.min(n - 1, Math.ceil(0.95 * n) - 1)] : null,
      },
    };
  }
}
