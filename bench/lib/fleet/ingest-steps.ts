/*
 * Where an upload's time went, from the telemetry subgraph's /metrics: the mean and an upper
 * bound of the p95 of each step of `telemetry_ingest_step_seconds` (see IngestService), next to
 * the subgraph's whole request and the gateway's. Read once after a run, so each figure covers it all.
 */

export interface StepFigures {
  name: string;
  count: number;
  meanMs: number;
  /** The upper bound of the bucket that holds the 95th percentile. */
  p95AtMostMs: number | null;
}

interface Series {
  sum: number;
  count: number;
  buckets: { le: number; count: number }[];
}

const LINE = /^([a-z_]+)\{([^}]*)\} ([0-9.e+-]+|\+Inf|NaN)$/;

/** Histogram series of `metric` in Prometheus text, keyed by the value of `label`, where `match` holds. */
export function histogramSeries(
  text: string,
  metric: string,
  label: string,
  match: (labels: Record<string, string>) => boolean = () => true,
): Map<string, Series> {
  const series = new Map<string, Series>();
  for (const line of text.split('\n')) {
    const m = LINE.exec(line);
    if (!m || !m[1].startsWith(metric)) continue;
    const labels = Object.fromEntries([...m[2].matchAll(/([a-z_]+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    if (!match(labels) || labels[label] === undefined) continue;
    const s = series.get(labels[label]) ?? { sum: 0, count: 0, buckets: [] };
    series.set(labels[label], s);
    const value = Number(m[3]);
    if (m[1] === `${metric}_sum`) s.sum += value;
    else if (m[1] === `${metric}_count`) s.count += value;
    else if (m[1] === `${metric}_bucket`) {
      const le = labels.le === '+Inf' ? Infinity : Number(labels.le);
      const bucket = s.buckets.find((b) => b.le === le);
      if (bucket) bucket.count += value;
      else s.buckets.push({ le, count: value });
    }
  }
  return series;
}

export function figures(name: string, s: Series): StepFigures {
  const sorted = [...s.buckets].sort((a, b) => a.le - b.le);
  const p95 = sorted.find((b) => b.count >= 0.95 * s.count);
  return {
    name,
    count: s.count,
    meanMs: s.count > 0 ? Math.round((s.sum / s.count) * 10_000) / 10 : 0,
    p95AtMostMs: p95 && Number.isFinite(p95.le) ? p95.le * 1000 : null,
  };
}

export function formatSteps(steps: readonly StepFigures[]): string {
  const rows = steps.map(
    (s) =>
      `  ${s.name.padEnd(34)} ${String(s.count).padStart(7)}   mean ${String(s.meanMs).padStart(7)} ms   p95 <= ${s.p95AtMostMs ?? '-'} ms`,
  );
  return `where an upload's time went (telemetry_ingest_step_seconds and http_request_duration_seconds):\n${rows.join('\n')}`;
}
