import { engineStateOfRpm, type EngineState as RpmState } from '../../../platform/driving/driving-model.js';
import type { Sample } from './sample.js';

/** What the engine was doing when a sample was taken, as far as the sample (or the last rpm) tells. */
export type EngineState = RpmState | 'unknown';

/** An rpm value older than this says nothing about now. */
const RPM_VALID_MS = 30_000;
/** An alternator holds the system above this; a resting battery never reaches it. */
const CHARGING_VOLTS = 13.2;

export function engineStateOf(sample: Sample, lastRpm: { value: number; at: number } | null): EngineState {
  let rpm = sample.values.rpm;
  if (rpm === undefined && lastRpm && sample.at - lastRpm.at <= RPM_VALID_MS && sample.at >= lastRpm.at)
    rpm = lastRpm.value;
  if (rpm !== undefined) return engineStateOfRpm(rpm);
  const volts = sample.values.voltage;
  if (volts !== undefined) return volts >= CHARGING_VOLTS ? 'running' : 'unknown';
  return 'unknown';
}
