import { performance } from 'node:perf_hooks';
import { cpuSecondsSince } from '../cpu.js';
import { HttpPools } from '../http-pool.js';
import { LatencyRecorder } from '../latency.js';
import type { HttpRequestSpec, IngestLoadResult, IngestLoadSettings } from './messages.js';

const MAX_SAMPLES = 3;

interface Tally {
  batches: number;
  readingsStored: number;
  errors: number;
  errorSamples: string[];
  latencies?: LatencyRecorder;
  /** Readings stored by answers that came in each second of the phase. */
  bySecond: number[];
  startedAt: number;
}

interface IngestAnswer {
  data?: { ingestObdFrames?: { readingsStored?: number; rejected?: number } } | null;
  errors?: unknown[];
}

/** What one answer stored, and what was wrong with it, if anything. */
function judge(status: number, text: string, expected: number): { stored: number; problem?: string } {
  let answer: IngestAnswer;
  try {
    answer = JSON.parse(text) as IngestAnswer;
  } catch {
    return { stored: 0, problem: `HTTP ${status}, not JSON: ${text.slice(0, 200)}` };
  }
  const result = answer.data?.ingestObdFrames;
  const stored = result?.readingsStored ?? 0;
  if (status !== 200 || answer.errors?.length || !result)
    return { stored, problem: `HTTP ${status}: ${text.slice(0, 300)}` };
  if (stored !== expected || result.rejected)
    return { stored, problem: `stored ${stored} of ${expected}: ${text.slice(0, 300)}` };
  return { stored };
}

async function send(http: HttpPools, target: HttpRequestSpec, expected: number, tally: Tally): Promise<void> {
  const started = performance.now();
  let outcome: { stored: number; problem?: string };
  try {
    const { status, text } = await http.post(target.url, target.headers, target.body);
    outcome = judge(status, text, expected);
  } catch (error) {
    outcome = { stored: 0, problem: `socket: ${error instanceof Error ? error.message : String(error)}` };
  }
  const answered = performance.now();
  tally.latencies?.record(answered - started);
  const second = Math.floor((answered - tally.startedAt) / 1000);
  tally.bySecond[second] = (tally.bySecond[second] ?? 0) + outcome.stored;
  tally.batches++;
  tally.readingsStored += outcome.stored;
  if (outcome.problem) {
    tally.errors++;
    if (tally.errorSamples.length < MAX_SAMPLES) tally.errorSamples.push(outcome.problem);
  }
}

/** `concurrency` closed loops, each sending its next batch as soon as the last is answered. */
async function phase(http: HttpPools, settings: IngestLoadSettings, seconds: number, tally: Tally): Promise<number> {
  const started = (tally.startedAt = performance.now());
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: settings.concurrency }, async (_, loop) => {
      const target = settings.targets[loop % settings.targets.length];
      while (performance.now() < deadline) await send(http, target, settings.readingsPerBatch, tally);
    }),
  );
  return (performance.now() - started) / 1000;
}

const tally = (latencies?: LatencyRecorder): Tally => ({
  batches: 0,
  readingsStored: 0,
  errors: 0,
  errorSamples: [],
  latencies,
  bySecond: [],
  startedAt: 0,
});

export async function runIngestLoad(settings: IngestLoadSettings): Promise<IngestLoadResult> {
  const cpuBefore = process.cpuUsage();
  const http = new HttpPools(settings.concurrency);
  try {
    const warmup = tally();
    if (settings.warmupSeconds > 0) await phase(http, settings, settings.warmupSeconds, warmup);
    const measured = tally(new LatencyRecorder());
    const elapsedSeconds = await phase(http, settings, settings.durationSeconds, measured);
    return {
      batches: measured.batches,
      readingsStored: measured.readingsStored,
      elapsedSeconds,
      batchesPerSecond: measured.batches / elapsedSeconds,
      readingsPerSecond: measured.readingsStored / elapsedSeconds,
      // The last slot is the tail after the deadline, a fraction of a second: not a rate.
      readingsBySecond: Array.from({ length: settings.durationSeconds }, (_, i) => measured.bySecond[i] ?? 0),
      latencyMs: measured.latencies!.summary(),
      errors: warmup.errors + measured.errors,
      errorSamples: [...warmup.errorSamples, ...measured.errorSamples].slice(0, MAX_SAMPLES),
      warmupReadingsStored: warmup.readingsStored,
      cpuSeconds: cpuSecondsSince(cpuBefore),
    };
  } finally {
    await http.close();
  }
}
