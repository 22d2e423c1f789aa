import autocannon from 'autocannon';
import { LatencyRecorder } from '../latency.js';
import type { LoadResult } from '../load.js';
import { serveWorker } from '../worker.js';

/*
 * One load over several callers at once (50 users: one autocannon per user, its share of the
 * connections each), every response checked against that caller's expected body.
 */

export interface Caller {
  headers: Record<string, string>;
  body: string;
  expectBody: string;
}

export interface MultiLoadSettings {
  url: string;
  callers: Caller[];
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
}

const MAX_SAMPLES = 3;

function instances(settings: MultiLoadSettings, durationSeconds: number) {
  const per = Math.max(1, Math.floor(settings.connections / settings.callers.length));
  return settings.callers.map((caller) =>
    autocannon({
      url: settings.url,
      method: 'POST',
      headers: caller.headers,
      body: caller.body,
      connections: per,
      duration: durationSeconds,
      expectBody: caller.expectBody,
    }),
  );
}

async function measure(settings: MultiLoadSettings): Promise<LoadResult> {
  if (settings.warmupSeconds > 0) await Promise.all(instances(settings, settings.warmupSeconds));
  const latencies = new LatencyRecorder();
  const wrongBodySamples: string[] = [];
  const running = instances(settings, settings.durationSeconds);
  for (const instance of running) {
    instance.on('response', (_client, _status, _bytes, ms) => latencies.record(ms));
    instance.on('reqMismatch', (body) => {
      if (wrongBodySamples.length < MAX_SAMPLES) wrongBodySamples.push(String(body).slice(0, 500));
    });
  }
  const results = await Promise.all(running);
  const sum = (pick: (r: autocannon.Result) => number) => results.reduce((a, r) => a + pick(r), 0);
  return {
    requests: sum((r) => r.requests.total),
    requestsPerSecond: sum((r) => r.requests.total) / settings.durationSeconds,
    latencyMs: latencies.summary(),
    non2xx: sum((r) => r.non2xx),
    wrongBodies: sum((r) => r.mismatches),
    socketErrors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
    wrongBodySamples,
  };
}

serveWorker(measure);
