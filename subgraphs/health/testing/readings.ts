import type { ReadingLike } from '../observations/sample.js';
import { MONITOR_STATUS } from '../../telemetry/contract.js';

/** What a polling round measured, by the names health reads them under. */
export interface Round {
  rpm?: number;
  speed?: number;
  coolant?: number;
  voltage?: number;
  oilTemp?: number;
  ltft1?: number;
  ltft2?: number;
  mil?: boolean;
  incompleteMonitors?: number;
}

const PIDS: Record<Exclude<keyof Round, 'mil' | 'incompleteMonitors'>, [string, string, string]> = {
  rpm: ['0C', 'Engine speed', 'rpm'],
  speed: ['0D', 'Vehicle speed', 'km/h'],
  coolant: ['05', 'Engine coolant temperature', '°C'],
  voltage: ['42', 'Control module voltage', 'V'],
  oilTemp: ['5C', 'Engine oil temperature', '°C'],
  ltft1: ['07', 'Long term fuel trim bank 1', '%'],
  ltft2: ['09', 'Long term fuel trim bank 2', '%'],
};

export const T0 = Date.UTC(2025, 5, 2, 8, 0, 0);
/** Event time `seconds` after T0. */
export const at = (seconds: number) => T0 + seconds * 1000;

/** Telemetry's readings of one round measured at `time` (epoch ms), as the bus carries them. */
export function round(time: number, values: Round): ReadingLike[] {
  const recordedAt = new Date(time).toISOString();
  const readings: ReadingLike[] = [];
  for (const [key, [pid, name, unit]] of Object.entries(PIDS)) {
    const value = values[key as keyof typeof PIDS];
    if (value !== undefined) readings.push({ pid, name, value, unit, recordedAt });
  }
  if (values.mil !== undefined)
    readings.push({ pid: '01', name: MONITOR_STATUS.MIL, value: values.mil ? 1 : 0, unit: 'boolean', recordedAt });
  if (values.incompleteMonitors !== undefined) {
    readings.push({
      pid: '01',
      name: MONITOR_STATUS.INCOMPLETE_MONITORS,
      value: values.incompleteMonitors,
      unit: 'count',
      recordedAt,
    });
  }
  return readings;
}

/** Rounds every `stepSeconds` from `fromSeconds` (inclusive) to `toSeconds` (inclusive). */
export function rounds(
  fromSeconds: number,
  toSeconds: number,
  stepSeconds: number,
  values: Round | ((s: number) => Round),
): ReadingLike[] {
  const out: ReadingLike[] = [];
  for (let s = fromSeconds; s <= toSeconds; s += stepSeconds)
    out.push(...round(at(s), typeof values === 'function' ? values(s) : values));
  return out;
}
