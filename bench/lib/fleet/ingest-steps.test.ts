import { figures, histogramSeries } from './ingest-steps.js';

const TEXT = `# HELP telemetry_ingest_step_seconds x
telemetry_ingest_step_seconds_bucket{le="0.01",step="store",service="telemetry"} 90
telemetry_ingest_step_seconds_bucket{le="0.05",step="store",service="telemetry"} 96
telemetry_ingest_step_seconds_bucket{le="+Inf",step="store",service="telemetry"} 100
telemetry_ingest_step_seconds_sum{step="store",service="telemetry"} 1.5
telemetry_ingest_step_seconds_count{step="store",service="telemetry"} 100
http_request_duration_seconds_count{route="/graphql",method="POST",status="200",service="telemetry"} 3`;

describe('ingest steps from /metrics', () => {
  it('gives each step its count, mean and the bucket that holds its p95', () => {
    const store = histogramSeries(TEXT, 'telemetry_ingest_step_seconds', 'step').get('store')!;
    expect(figures('store', store)).toEqual({ name: 'store', count: 100, meanMs: 15, p95AtMostMs: 50 });
  });

  it('leaves out other metrics and series the filter refuses', () => {
    expect([
      ...histogramSeries(TEXT, 'telemetry_ingest_step_seconds', 'step', (l) => l.step !== 'store').keys(),
    ]).toEqual([]);
    expect(histogramSeries(TEXT, 'http_request_duration_seconds', 'route').get('/graphql')?.count).toBe(3);
  });
});
