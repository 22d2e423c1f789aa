import { setTimeout as sleep } from 'node:timers/promises';
import type { EventBus } from '../../../platform/events/bus.js';
import { TELEMETRY_READINGS, type TelemetryReadingsEvent } from '../../../subgraphs/telemetry/live/telemetry-events.js';
import { LatencyRecorder, type LatencySummary } from '../latency.js';

/** Coolant at 125 °C measured 35 s ago and now, as telemetry publishes a stored batch. */
function overheatEvent(vehicleId: string, now: number): TelemetryReadingsEvent {
  const readings = [now - 35_000, now].flatMap((t) => {
    const recordedAt = new Date(t).toISOString();
    return [
      { pid: '05', name: 'Engine coolant temperature', value: 125, unit: '°C', recordedAt },
      { pid: '0C', name: 'Engine speed', value: 2500, unit: 'rpm', recordedAt },
    ];
  });
  return { vehicleId, recordedAt: new Date(now).toISOString(), readings };
}

/**
 * Overheating events appended to `telemetry.readings` at `perSecond`, exactly as telemetry does
 * once an upload is stored: the latency from there to the subscriber is health's and the
 * subscription's, without the ingest path. Returns when each was sent (epoch ms).
 */
export async function sendDirectProbes(bus: EventBus, vehicleIds: readonly string[], perSecond: number) {
  const sentAt: Record<string, number> = {};
  const started = Date.now();
  for (let i = 0; i < vehicleIds.length; i++) {
    const wait = started + (i * 1000) / perSecond - Date.now();
    if (wait > 0) await sleep(wait);
    const now = Date.now();
    sentAt[vehicleIds[i]] = now;
    await bus.append(TELEMETRY_READINGS, overheatEvent(vehicleIds[i], now));
  }
  return sentAt;
}

export interface DirectResult {
  sent: number;
  delivered: number;
  latencyMs: LatencySummary;
}

export function directLatency(sentAt: Record<string, number>, receivedAt: Record<string, number>): DirectResult {
  const recorder = new LatencyRecorder();
  for (const [vehicleId, sent] of Object.entries(sentAt)) {
    const received = receivedAt[vehicleId];
    if (received !== undefined) recorder.record(received - sent);
  }
  return { sent: Object.keys(sentAt).length, delivered: recorder.size, latencyMs: recorder.summary() };
}
