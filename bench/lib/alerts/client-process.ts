import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { IngestReadingsDocument, LiveIngestDocument } from '../../../test/generated/graphql.js';
import { bearerHeaders, requestBody } from '../graphql-http.js';
import { HttpPools } from '../http-pool.js';
import { LatencyRecorder } from '../latency.js';
import { serveWorker } from '../worker.js';
import type { ClientRequest, LatencyResult, LatencySettings, Target } from './messages.js';

/* The alerts benchmark's load process: fleet uploads, overheating probes and the subscriber that times them. */

const ALERTS = 'subscription { healthAlerts { id rule status vehicle { id vin } } }';
/** An ordinary round of a healthy car: 750 rpm, 50 km/h, 90 °C, 14.2 V. */
const HEALTHY_ROUND = ['41 0C 0B B8', '41 0D 32', '41 05 82', '41 42 37 78'];
/** How long after the last probe its alert may still arrive. */
const GRACE_MS = 15_000;
/**
 * Fleet uploads waiting for an answer at most: past it a tick is skipped (and counted), so an
 * overloaded system shows as a lower achieved rate, not as a queue in this process.
 */
const MAX_FLEET_IN_FLIGHT = 32;
const WARMUP_TIMEOUT_MS = 30_000;

/** Two coolant readings 35 s apart, the second measured now: the rule's 30 s are met on arrival. */
const overheatBody = (vehicleId: string) => {
  const now = Date.now();
  const at = (ms: number) => new Date(ms).toISOString();
  const readings = [now - 35_000, now].flatMap((t) => [
    { pid: '05', value: 125, recordedAt: at(t) },
    { pid: '0C', value: 2500, recordedAt: at(t) },
  ]);
  return requestBody(IngestReadingsDocument, { vehicleId, readings });
};

async function paced(rate: number, more: () => boolean, send: () => Promise<void>) {
  const interval = 1000 / rate;
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; more(); i++) {
    const wait = started + i * interval - performance.now();
    if (wait > 0) await sleep(wait);
    inFlight.push(send());
  }
  await Promise.all(inFlight);
}

async function measureLatency(s: LatencySettings): Promise<LatencyResult> {
  // Probes get connections of their own: they must not wait behind the fleet's uploads here.
  const fleetHttp = new HttpPools(MAX_FLEET_IN_FLIGHT);
  const probeHttp = new HttpPools(8);
  const sentAt = new Map<string, number>();
  const probeLatency = new LatencyRecorder();
  const uploadLatency = new LatencyRecorder();
  const seen = new Set<string>();
  const warmupIds = new Set(s.warmup.map((w) => w.vehicleId));
  const direct = new Set(s.direct);
  const directReceivedAt: Record<string, number> = {};
  let warmedUp = false;
  let otherAlerts = 0;
  let duplicates = 0;
  let subscriptionError: string | undefined;

  const client = createClient({
    url: s.gatewayUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${s.adminToken}` },
    retryAttempts: 0,
  });
  client.subscribe(
    { query: ALERTS },
    {
      next: (result) => {
        const received = performance.now();
        const alert = (
          result.data as { healthAlerts?: { id: string; rule: string; status: string; vehicle: { id: string } } }
        )?.healthAlerts;
        if (!alert || alert.status !== 'OPEN') return;
        if (seen.has(alert.id)) return void duplicates++;
        seen.add(alert.id);
        const started = sentAt.get(alert.vehicle.id);
        if (alert.rule === 'coolant-overheat' && direct.has(alert.vehicle.id)) {
          directReceivedAt[alert.vehicle.id] = Date.now();
        } else if (alert.rule === 'coolant-overheat' && started !== undefined) {
          probeLatency.record(received - started);
          sentAt.delete(alert.vehicle.id);
        } else if (warmupIds.has(alert.vehicle.id)) warmedUp = true;
        else otherAlerts++;
      },
      error: (error) => void (subscriptionError = JSON.stringify(error).slice(0, 300)),
      complete: () => void (subscriptionError ??= 'subscription completed'),
    },
  );

  const post = (target: Target, body: string, http = probeHttp) =>
    http.post(s.gatewayUrl, bearerHeaders(target.deviceToken), body);

  // graphql-ws has no "subscribed" acknowledgement: overheat warm-up vehicles until one alert arrives.
  const warmupDeadline = Date.now() + WARMUP_TIMEOUT_MS;
  for (const target of s.warmup) {
    if (warmedUp || subscriptionError || Date.now() > warmupDeadline) break;
    await post(target, overheatBody(target.vehicleId));
    for (let i = 0; i < 20 && !warmedUp; i++) await sleep(100);
  }
  if (!warmedUp)
    throw new Error(
      `the subscriber never received a warm-up alert${subscriptionError ? `: ${subscriptionError}` : ''}`,
    );

  let uploadsSent = 0;
  let uploadsFailed = 0;
  let uploadsSkipped = 0;
  let fleetInFlight = 0;
  let probing = true;
  const started = performance.now();
  const fleetLoad = paced(
    s.uploadsPerSecond,
    () => probing,
    async () => {
      if (fleetInFlight >= MAX_FLEET_IN_FLIGHT) return void uploadsSkipped++;
      const target = s.fleet[uploadsSent++ % s.fleet.length];
      const body = requestBody(LiveIngestDocument, { vehicleId: target.vehicleId, frames: HEALTHY_ROUND });
      const t0 = performance.now();
      fleetInFlight++;
      try {
        const { status, text } = await post(target, body, fleetHttp);
        if (status !== 200 || (JSON.parse(text) as { errors?: unknown }).errors) uploadsFailed++;
        else uploadLatency.record(performance.now() - t0);
      } catch {
        uploadsFailed++;
      } finally {
        fleetInFlight--;
      }
    },
  );

  await sleep(s.warmupSeconds * 1000);
  let probesSent = 0;
  let probesFailed = 0;
  await paced(
    s.probesPerSecond,
    () => probesSent < s.probes.length,
    async () => {
      const target = s.probes[probesSent++];
      sentAt.set(target.vehicleId, performance.now());
      try {
        const { status, text } = await post(target, overheatBody(target.vehicleId));
        if (status !== 200 || (JSON.parse(text) as { errors?: unknown }).errors) probesFailed++;
      } catch {
        probesFailed++;
      }
    },
  );
  const deadline = performance.now() + GRACE_MS;
  const waiting = () => sentAt.size > probesFailed || Object.keys(directReceivedAt).length < direct.size;
  while (waiting() && performance.now() < deadline) await sleep(50);
  probing = false;
  await fleetLoad;
  const seconds = (performance.now() - started) / 1000;
  await client.dispose();
  await Promise.all([fleetHttp.close(), probeHttp.close()]);
  if (subscriptionError) throw new Error(`the subscription failed: ${subscriptionError}`);
  return {
    uploads: {
      sent: uploadsSent,
      failed: uploadsFailed,
      skipped: uploadsSkipped,
      perSecond: uploadsSent / seconds,
      latencyMs: uploadLatency.summary(),
    },
    probes: { sent: probesSent, failed: probesFailed, delivered: probeLatency.size, latencyMs: probeLatency.summary() },
    directReceivedAt,
    otherAlerts,
    duplicates,
    seconds,
  };
}

serveWorker<ClientRequest>(async (request) => {
  switch (request.kind) {
    case 'latency':
      return measureLatency(request.settings);
  }
});
