/**
 * One model of driving, shared by telemetry's trips and health's usage so that both count the
 * same drive the same way. Pure functions over readings of one signal (speed in km/h, engine
 * speed in rpm) taken at event times in epoch milliseconds.
 */

/** A reading of one signal: its value and when it was measured (epoch ms). */
export interface Point {
  readonly at: number;
  readonly value: number;
}

/** km/h per m/s. */
export const KMH_PER_MPS = 3.6;

/**
 * Harsh events, as magnitudes in m/s²: a deceleration of HARSH_BRAKING_MPS2 (about 0.36 g) or
 * more is harsh braking, an acceleration of HARSH_ACCELERATION_MPS2 (about 0.31 g) or more harsh
 * acceleration, in line with common telematics scoring (braking hard is more telling than
 * pulling away hard, hence the higher bar).
 */
export const HARSH_BRAKING_MPS2 = 3.5;
export const HARSH_ACCELERATION_MPS2 = 3.0;

/**
 * Speed changes are judged only between readings at most this far apart. The mean acceleration
 * over a step never exceeds its peak, so a longer step can miss a short harsh event but never
 * invents one. 5 s lets a dongle that polls every 4-5 s be judged at all (trips used 3 s, which
 * judged nothing of such dongles; health used 5 s), and at 1 Hz every step is judged anyway.
 */
export const HARSH_WINDOW_MS = 5_000;

/**
 * The engine runs at or above ENGINE_RUNNING_RPM: the starter turns it at about 200-300 rpm and
 * idle is 550-900 rpm, so 400 clears both with a margin (trips used "above 300", which a brisk
 * starter reaches). Below ENGINE_STOPPED_RPM it is off; in between it is being cranked.
 */
export const ENGINE_RUNNING_RPM = 400;
export const ENGINE_STOPPED_RPM = 50;

/**
 * Two readings of a signal at most MAX_GAP_MS apart are joined: the signal is taken to move in a
 * straight line between them (distance is the trapezoid under speed, the engine runs the whole
 * step when it runs at both ends). Across a longer step the device was off or data is missing,
 * and the step counts nothing. Bridging is nearly unbiased while dropping a step always
 * undercounts, so the limit is long: 2 minutes covers a lost connection or a few lost uploads,
 * and an engine stop usually reads 0 km/h on both sides, so bridging one adds no distance.
 * (Trips held the last value for at most 10 s, which measured nothing of a dongle polling every
 * 15 s; health joined readings up to 2 minutes apart. One rule now serves both.)
 */
export const MAX_GAP_MS = 120_000;

export type EngineState = 'off' | 'cranking' | 'running';

export const isEngineRunning = (rpm: number) => rpm >= ENGINE_RUNNING_RPM;

export function engineStateOfRpm(rpm: number): EngineState {
  if (isEngineRunning(rpm)) return 'running';
  return rpm > ENGINE_STOPPED_RPM ? 'cranking' : 'off';
}

/** Whether two readings of one signal, in this order, are joined (see MAX_GAP_MS). */
export const joined = (previous: Point, next: Point) => next.at > previous.at && next.at - previous.at <= MAX_GAP_MS;

/** Kilometres driven between two speed readings; none across a gap. */
export function distanceKm(previous: Point, next: Point): number {
  if (!joined(previous, next)) return 0;
  return (((previous.value + next.value) / 2) * (next.at - previous.at)) / 3_600_000;
}

/** Seconds the engine ran between two rpm readings: the whole step when it ran at both ends. */
export function engineRunningSeconds(previous: Point, next: Point): number {
  if (!joined(previous, next) || !isEngineRunning(previous.value) || !isEngineRunning(next.value)) return 0;
  return (next.at - previous.at) / 1000;
}

/** Mean acceleration in m/s² between two speed readings, or null when too far apart to judge. */
export function accelerationMps2(previous: Point, next: Point): number | null {
  const ms = next.at - previous.at;
  if (ms <= 0 || ms > HARSH_WINDOW_MS) return null;
  return (next.value - previous.value) / KMH_PER_MPS / (ms / 1000);
}

/** What the step between two speed readings was; neither when it cannot be judged. */
export function harshStep(previous: Point, next: Point): { braking: boolean; accelerating: boolean } {
  const mps2 = accelerationMps2(previous, next);
  return {
    braking: mps2 !== null && mps2 <= -HARSH_BRAKING_MPS2,
    accelerating: mps2 !== null && mps2 >= HARSH_ACCELERATION_MPS2,
  };
}

/**
 * Consecutive harsh steps are one event (a hard stop spans several readings): a step starts an
 * event when it is harsh and the step before, of the same kind, was not.
 */
export const startsEvent = (wasHarsh: boolean, isHarsh: boolean) => isHarsh && !wasHarsh;
