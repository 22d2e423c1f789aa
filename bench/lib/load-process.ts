import autocannon from 'autocannon';
import { LatencyRecorder } from './latency.js';
import type { LoadResult, LoadSettings } from './load.js';
import { serveWorker } from './worker.js';

/* autocannon, in the process run-load.ts forks (see worker.ts for why a process of its own). */

const MAX_SAMPLES = 3;

function optionsFor(settings: LoadSettings, durationSeconds: number): autocannon.Options {
  return {
    url: settings.url,
    method: 'POST',
    headers: settings.headers,
    body: settings.body,
    connections: settings.connections,
    duration: durationSeconds,
    expectBody: settings.expectBody,
  };
}

async function measure(settings: LoadSettings): Promise<LoadResult> {
  if (settings.warmupSeconds > 0) await autocannon(optionsFor(settings, settings.warmupSeconds));
  const latencies = new LatencyRecorder();
  const wrongBodySamples: string[] = [];
  const instance = autocannon(optionsFor(settings, settings.durationSeconds));
  instance.on('response', (_client, _status, _bytes, ms) => latencies.record(ms));
  instance.on('reqMismatch', (body) => {
    if (wrongBodySamples.length < MAX_SAMPLES) wrongBodySamples.push(body.slice(0, 500));
  });
  const result = await instance;
  return {
    requests: result.requests.total,
    requestsPerSecond: result.requests.mean,
    latencyMs: latencies.summary(),
    non2xx: result.non2xx,
    wrongBodies: result.mismatches,
    socketErrors: result.errors,
    timeouts: result.timeouts,
    wrongBodySamples,
  };
}

serveWorker(measure);
