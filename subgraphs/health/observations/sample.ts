import { MONITOR_STATUS } from '../../telemetry/contract.js';

/** The values health models use, in the units telemetry stores them in. */
export type Signal =
  | 'rpm'
  | 'speed'
  | 'coolant'
  | 'voltage'
  | 'oilTemp'
  | 'ltft1'
  | 'ltft2'
  | 'mil'
  | 'dtcCount'
  | 'incompleteMonitors'
  | 'catalystReady'
  | 'distanceSinceCleared';

/** Everything measured at one instant (event time, epoch ms). */
export interface Sample {
  at: number;
  values: Partial<Record<Signal, number>>;
  /** Tyre pressures in kPa by position ("front left"), when a vehicle reports them. */
  tyres: Record<string, number>;
}

/** A reading as telemetry publishes it on `telemetry.readings`. */
export interface ReadingLike {
  pid: string;
  name: string;
  value: number;
  unit: string;
  recordedAt: string;
}

const BY_PID: Record<string, Signal> = {
  '0C': 'rpm',
  '0D': 'speed',
  '05': 'coolant',
  '42': 'voltage',
  '5C': 'oilTemp',
  '07': 'ltft1',
  '09': 'ltft2',
  '31': 'distanceSinceCleared',
};

/** PID 01 yields several readings, told apart by name. */
const MONITOR_READINGS: Record<string, Signal> = {
  [MONITOR_STATUS.MIL]: 'mil',
  [MONITOR_STATUS.DTC_COUNT]: 'dtcCount',
  [MONITOR_STATUS.INCOMPLETE_MONITORS]: 'incompleteMonitors',
  'Catalyst monitor complete': 'catalystReady',
};

const TYRE_PRESSURE = /^(?:tyre|tire) pressure[\s_-]+(.+)$/i;
const TO_KPA: Record<string, number> = { kpa: 1, bar: 100, psi: 6.894757 };

function tyrePosition(reading: ReadingLike): { position: string; kPa: number } | null {
  const match = TYRE_PRESSURE.exec(reading.name.trim());
  const factor = TO_KPA[reading.unit.trim().toLowerCase()];
  if (!match || factor === undefined) return null;
  return { position: match[1].trim().toLowerCase(), kPa: reading.value * factor };
}

function signalOf(reading: ReadingLike): Signal | undefined {
  const pid = reading.pid.toUpperCase();
  return pid === '01' ? MONITOR_READINGS[reading.name] : BY_PID[pid];
}

/**
 * Groups readings by the instant they were measured, oldest first: what one polling round of
 * a dongle saw. Readings health does not use, and any with an unreadable time, are left out.
 */
export function toSamples(readings: readonly ReadingLike[]): Sample[] {
  const byTime = new Map<number, Sample>();
  for (const reading of readings) {
    const at = Date.parse(reading.recordedAt);
    if (!Number.isFinite(at) || !Number.isFinite(reading.value)) continue;
    const signal = signalOf(reading);
    const tyre = signal ? null : tyrePosition(reading);
    if (!signal && !tyre) continue;
    let sample = byTime.get(at);
    if (!sample) byTime.set(at, (sample = { at, values: {}, tyres: {} }));
    if (signal) sample.values[signal] = reading.value;
    if (tyre) sample.tyres[tyre.position] = tyre.kPa;
  }
  return [...byTime.values()].sort((a, b) => a.at - b.at);
}
