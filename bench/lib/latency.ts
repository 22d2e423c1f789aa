/** Milliseconds to the microsecond: finer is noise. */
const micros = (ms: number) => Math.round(ms * 1000) / 1000;

/** Nearest-rank percentile (the value below which `p` % of the samples fall) of sorted samples. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(rank, 1)) - 1];
}

export interface LatencySummary {
  count: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/**
 * Every response time, kept exactly: autocannon's own histogram reports p90 and p97.5 but
 * not p95, and a few hundred thousand doubles cost a few megabytes at most.
 */
export class LatencyRecorder {
  private samples = new Float64Array(1 << 16);
  private count = 0;

  record(ms: number): void {
    if (this.count === this.samples.length) {
      const grown = new Float64Array(this.samples.length * 2);
      grown.set(this.samples);
      this.samples = grown;
    }
    this.samples[this.count++] = ms;
  }

  get size(): number {
    return this.count;
  }

  summary(): LatencySummary {
    const sorted = this.samples.slice(0, this.count).sort();
    const sum = sorted.reduce((a, b) => a + b, 0);
    return {
      count: this.count,
      mean: micros(this.count ? sum / this.count : Number.NaN),
      p50: micros(percentile(sorted, 50)),
      p95: micros(percentile(sorted, 95)),
      p99: micros(percentile(sorted, 99)),
      max: micros(this.count ? sorted[this.count - 1] : Number.NaN),
    };
  }
}
