/**
 * A recorded drive for tests: what a dongle polling at 1 Hz saw, with a harsh acceleration, a
 * harsh stop, a hole in the data the driving model bridges and one it does not. Telemetry's trips
 * and health's usage each read it in their own test, against the one set of figures below, so
 * that they are shown to agree without either importing the other.
 */

/** One polling round, `second` after the start: vehicle speed (km/h) and engine speed (rpm). */
export interface DriveRound {
  second: number;
  speedKmh: number;
  rpm: number;
}

export const RECORDED_DRIVE_START = Date.UTC(2025, 5, 2, 7, 30, 0);
/** Event time (epoch ms) of a round. */
export const driveTime = (second: number) => RECORDED_DRIVE_START + second * 1000;

const span = (from: number, to: number, speed: (s: number) => number, rpm: number): DriveRound[] =>
  Array.from({ length: to - from + 1 }, (_, i) => ({ second: from + i, speedKmh: speed(from + i), rpm }));

export const RECORDED_DRIVE: readonly DriveRound[] = [
  // The starter turns the engine fast (350 rpm is cranking, not running), then it idles.
  { second: 0, speedKmh: 0, rpm: 350 },
  ...span(1, 30, () => 0, 800),
  // Pulling away at 5 km/h a second (1.4 m/s²: brisk, not harsh), then 50 km/h.
  ...span(31, 100, (s) => Math.min(50, (s - 30) * 5), 2000),
  // +12 km/h a second twice (3.3 m/s²): one harsh acceleration, then 74 km/h.
  ...span(101, 160, (s) => Math.min(74, 50 + (s - 100) * 12), 2600),
  // Nothing from 161 to 199 (a tunnel): 40 s at 74 km/h, bridged.
  ...span(200, 260, () => 74, 2600),
  // -14 km/h a second twice (3.9 m/s²): one harsh stop, then -6 km/h (1.7 m/s²), then 40 km/h.
  { second: 261, speedKmh: 60, rpm: 2200 },
  { second: 262, speedKmh: 46, rpm: 1900 },
  ...span(263, 300, () => 40, 1800),
  // Nothing from 301 to 449: 150 s, longer than the model bridges, shorter than a trip break.
  ...span(450, 500, () => 40, 1800),
  // Slowing at 10 km/h a second (2.8 m/s²: firm, not harsh) to a stop; idling; engine off.
  ...span(501, 504, (s) => 40 - (s - 500) * 10, 1200),
  ...span(505, 520, () => 0, 800),
  ...span(521, 530, () => 0, 0),
];

/**
 * What the driving model makes of the drive. Distance is the trapezoid under speed over every
 * step but the 150 s hole, in km/h·s: ramp 0→50 250, 50 km/h for 60 s 3000, ramp 50→74 124,
 * 74 km/h for 58 s 4292, the tunnel 2960, 74 km/h for 60 s 4440, the stop 74→40 163,
 * 40 km/h for 37 s 1480 and for 50 s 2000, and the final stop 80.
 */
export const RECORDED_DRIVE_FIGURES = {
  distanceKm: (250 + 3000 + 124 + 4292 + 2960 + 4440 + 163 + 1480 + 2000 + 80) / 3600,
  harshBraking: 1,
  harshAcceleration: 1,
  maxSpeedKmh: 74,
  /** From the first idle round (1 s) to the last (520 s), but for the 150 s the model cannot join. */
  engineRunningSeconds: 520 - 1 - 150,
  /** The steps not joined, which a trip spans but no engine time covers. */
  unjoinedSeconds: 150,
  /** One trip, from the first running round to the last. */
  trip: { startSecond: 1, endSecond: 520 },
} as const;
