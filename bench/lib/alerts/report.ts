import { fixed, table, type Environment } from '../report.js';
import type { AlertsOptions } from './options.js';
import type { DrainResult } from './consumer-drain.js';
import type { DirectResult } from './direct-probes.js';
import type { EngineResult } from './engine.js';
import type { LatencyResult } from './messages.js';

export interface AlertsReport {
  benchmark: 'alerts';
  startedAt: string;
  settings: AlertsOptions;
  environment: Environment;
  engine: EngineResult;
  consumer: DrainResult;
  latency: LatencyResult;
  /** From the telemetry event on the stream to the alert at the subscriber (no ingest). */
  fromStream: DirectResult;
}

const int = (n: number) => Math.round(n).toLocaleString('en');
/** A latency figure; none when nothing was measured (NaN travels over IPC as null). */
const ms = (n: number | null) => (n === null || Number.isNaN(n) ? '-' : fixed(n));

export function formatReport(r: AlertsReport): string {
  const { engine, consumer, latency, fromStream } = r;
  const env = r.environment;
  const lines = [
    `alerts benchmark, ${r.startedAt} (node ${env.node}, ${env.cpus} CPUs, load ${env.loadAverage1m}, database ${env.database})`,
    '',
    'Rule evaluations per second',
    table([
      ['', 'vehicles', 'rounds', 'rule evaluations', 'seconds', 'evaluations/s', 'alerts opened'],
      [
        'rule engine alone (in memory)',
        int(engine.vehicles),
        int(engine.rounds),
        int(engine.ruleEvaluations),
        fixed(engine.seconds, 2),
        int(engine.evaluationsPerSecond),
        int(engine.alertsOpened),
      ],
      [
        'health consumer (stream → DB)',
        int(r.settings.vehicles),
        int(r.settings.backlogRounds),
        int(consumer.ruleEvaluations),
        fixed(consumer.seconds, 2),
        int(consumer.evaluationsPerSecond),
        int(consumer.alertsOpened),
      ],
    ]),
    `health consumer: ${int(consumer.events)} events at ${fixed(consumer.eventsPerSecond)} events/s`,
    '',
    `Telemetry-to-alert latency at a gateway subscriber (${int(r.settings.vehicles)} vehicles uploading, staff fleet-wide subscription with vehicle { vin })`,
    table([
      ['', 'sent', 'failed', 'delivered', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
      [
        'telemetry event → alert',
        int(fromStream.sent),
        '0',
        int(fromStream.delivered),
        ms(fromStream.latencyMs.p50),
        ms(fromStream.latencyMs.p95),
        ms(fromStream.latencyMs.p99),
        ms(fromStream.latencyMs.max),
      ],
      [
        'upload → alert',
        int(latency.probes.sent),
        int(latency.probes.failed),
        int(latency.probes.delivered),
        ms(latency.probes.latencyMs.p50),
        ms(latency.probes.latencyMs.p95),
        ms(latency.probes.latencyMs.p99),
        ms(latency.probes.latencyMs.max),
      ],
      [
        'fleet uploads (ingest answer)',
        int(latency.uploads.sent),
        int(latency.uploads.failed),
        '',
        ms(latency.uploads.latencyMs.p50),
        ms(latency.uploads.latencyMs.p95),
        ms(latency.uploads.latencyMs.p99),
        ms(latency.uploads.latencyMs.max),
      ],
    ]),
    `fleet uploads: ${fixed(latency.uploads.perSecond)}/s achieved of ${r.settings.uploadsPerSecond}/s offered over ${fixed(latency.seconds)} s (${int(latency.uploads.skipped)} skipped: too many unanswered); other alerts seen ${latency.otherAlerts}, duplicate alerts ${latency.duplicates}`,
  ];
  return lines.join('\n');
}

/** Reasons the figures do not describe a working system. */
export function failures(r: AlertsReport): string[] {
  const out: string[] = [];
  const expected = r.latency.probes.sent - r.latency.probes.failed;
  if (r.latency.probes.failed > 0) out.push(`${r.latency.probes.failed} probe upload(s) failed`);
  if (r.latency.probes.delivered < expected)
    out.push(`${expected - r.latency.probes.delivered} upload probe alert(s) never arrived`);
  if (r.fromStream.delivered < r.fromStream.sent)
    out.push(`${r.fromStream.sent - r.fromStream.delivered} stream probe alert(s) never arrived`);
  if (r.latency.uploads.failed > 0) out.push(`${r.latency.uploads.failed} fleet upload(s) failed`);
  if (r.latency.duplicates > 0) out.push(`${r.latency.duplicates} alert(s) delivered twice`);
  return out;
}
