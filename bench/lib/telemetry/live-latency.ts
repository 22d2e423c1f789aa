import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { LiveIngestDocument } from '../../../test/generated/graphql.js';
import { requestBody } from '../graphql-http.js';
import { HttpPools } from '../http-pool.js';
import { cpuSecondsSince } from '../cpu.js';
import { LatencyRecorder } from '../latency.js';
import { markerFrame, MAX_MARKER } from './frames.js';
import type { LiveResult, LiveSettings } from './messages.js';
import type { SubscriberPool } from './subscriber-pool.js';

/** Past this, the warm-up gives up waiting for silent subscribers (their events count as missing). */
const READY_TIMEOUT_MS = 30_000;
/** How long after the last ingest answer events may still arrive. */
const GRACE_MS = 3_000;

/** Event numbers run on over the whole run, so a late event of one tier cannot pass for one of the next. */
let nextMarker = 1;

function takeMarker(): number {
  if (nextMarker > MAX_MARKER)
    throw new Error(`more than ${MAX_MARKER} events in one run: lower --rate or --live-duration`);
  return nextMarker++;
}

/**
 * Sends events at a steady rate, whatever the answers take (an open loop: a slow system must
 * not slow the load down), until `more` says stop; then waits for every answer.
 */
async function paced(rate: number, more: (sent: number) => boolean, send: () => Promise<void>) {
  const interval = 1000 / rate;
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  let maxLagMs = 0;
  for (let i = 0; more(i); i++) {
    const due = started + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    maxLagMs = Math.max(maxLagMs, performance.now() - due);
    inFlight.push(send());
  }
  await Promise.all(inFlight);
  return { maxLagMs };
}

export async function measureLive(pool: SubscriberPool, settings: LiveSettings): Promise<LiveResult> {
  const { meter } = pool;
  const cpuBefore = process.cpuUsage();
  // Enough connections that no call waits for one here, even when answers take seconds.
  const http = new HttpPools(64);
  const ingestLatencies = new LatencyRecorder();
  let ingestErrors = 0;
  const send = (recorded: boolean) => async () => {
    const marker = takeMarker();
    const body = requestBody(LiveIngestDocument, {
      vehicleId: settings.ingest.vehicleId,
      frames: [markerFrame(marker)],
    });
    const started = performance.now();
    meter.sentAt[marker] = started;
    try {
      const { status, text } = await http.post(settings.ingest.url, settings.ingest.headers, body);
      const answer = JSON.parse(text) as { data?: { ingestObdFrames?: { readingsStored?: number } } };
      if (status !== 200 || answer.data?.ingestObdFrames?.readingsStored !== 1) ingestErrors++;
    } catch {
      ingestErrors++;
    }
    if (recorded) ingestLatencies.record(performance.now() - started);
  };

  try {
    const subscribers = pool.all;
    const allLive = () => subscribers.every((s) => s.live || s.ended);
    const warmupStarted = performance.now();
    let warmupEvents = 0;
    const warmupSend = send(false);
    await paced(
      settings.eventsPerSecond,
      () => {
        const elapsed = performance.now() - warmupStarted;
        return elapsed < READY_TIMEOUT_MS && (elapsed < settings.warmupSeconds * 1000 || !allLive());
      },
      () => {
        warmupEvents++;
        return warmupSend();
      },
    );
    const notReady = subscribers.filter((s) => !s.live).length;

    const events = Math.round(settings.eventsPerSecond * settings.durationSeconds);
    const from = nextMarker;
    meter.begin(from, from + events - 1, subscribers);
    const { maxLagMs } = await paced(settings.eventsPerSecond, (sent) => sent < events, send(true));
    const expected = subscribers.length * events;
    const graceEnds = performance.now() + GRACE_MS;
    while (meter.received < expected && performance.now() < graceEnds) await sleep(20);

    return {
      subscribers: subscribers.length,
      events,
      expected,
      received: meter.received,
      missing: expected - meter.received,
      duplicates: meter.duplicates,
      badEvents: meter.badEvents,
      badSamples: [...meter.badSamples, ...pool.ended()].slice(0, 3),
      endedSubscribers: pool.ended().length,
      latencyMs: meter.latencies.summary(),
      ingestLatencyMs: ingestLatencies.summary(),
      ingestErrors,
      warmupEvents,
      notReady,
      maxSendLagMs: Math.round(maxLagMs * 10) / 10,
      cpuSeconds: cpuSecondsSince(cpuBefore),
    };
  } finally {
    await http.close();
  }
}
