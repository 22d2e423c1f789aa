import { driveTime, RECORDED_DRIVE, RECORDED_DRIVE_FIGURES } from '../../../platform/driving/testing/recorded-drive.js';
import type { Snapshot } from '../readings/snapshot.js';
import { MIN_TRIP_KM, TRIP_BREAK_MS, TripDetector, type Trip } from './trip-detection.js';

const T0 = Date.parse('2025-03-01T08:00:00Z');
/** [second, speed km/h, rpm] */
type Sample = [number, number, number];

function tripsOf(samples: Sample[]): Trip[] {
  const detector = new TripDetector();
  for (const [s, speed, rpm] of samples)
    detector.feed({ t: T0 + s * 1000, values: { p0D: speed, p0C: rpm } } satisfies Snapshot);
  return detector.finish();
}

/** A drive at constant speed, one sample a second. */
const cruise = (from: number, seconds: number, speed: number, rpm = 2000): Sample[] =>
  Array.from({ length: seconds }, (_, i) => [from + i, speed, rpm]);

/** From `from` km/h to `to` km/h, `step` km/h a second. */
const ramp = (start: number, from: number, to: number, step: number): Sample[] =>
  Array.from({ length: Math.abs(to - from) / step + 1 }, (_, i) => [
    start + i,
    from + Math.sign(to - from) * step * i,
    1500,
  ]);

describe('trip detection', () => {
  it('documents its thresholds', () => {
    expect(TRIP_BREAK_MS).toBe(5 * 60_000);
    expect(MIN_TRIP_KM).toBe(0.1);
  });

  it('cuts two drives separated by a long stop into two trips, with distance and duration', () => {
    const trips = tripsOf([...cruise(0, 601, 72), [601, 0, 0], ...cruise(1500, 301, 36)]);
    expect(trips).toHaveLength(2);
    expect(trips[0]).toMatchObject({
      startedAt: new Date(T0),
      endedAt: new Date(T0 + 600_000),
      durationSeconds: 600,
      maxSpeedKmh: 72,
    });
    // 600 s at 72 km/h = 12 km, and the last second slows from 72 km/h to the stop: 0.01 km.
    expect(trips[0].distanceKm).toBeCloseTo(12.01, 6);
    expect(trips[1]).toMatchObject({ startedAt: new Date(T0 + 1_500_000), durationSeconds: 300 });
    expect(trips[1].distanceKm).toBeCloseTo(3, 2);
  });

  it('keeps a short stop (traffic light, engine idling or off) inside one trip', () => {
    const trips = tripsOf([
      ...cruise(0, 300, 50),
      ...cruise(300, 120, 0, 800),
      ...cruise(420, 60, 0, 0),
      ...cruise(480, 300, 50),
    ]);
    expect(trips).toHaveLength(1);
    expect(trips[0].durationSeconds).toBe(779);
  });

  it('drops an idle warm-up that never moves', () => {
    expect(tripsOf(cruise(0, 600, 0, 850))).toEqual([]);
  });

  it('counts one harsh braking per episode and harsh accelerations', () => {
    const samples: Sample[] = [
      ...cruise(0, 10, 0, 900),
      [10, 12, 3000], // +12 km/h in 1 s = 3.33 m/s²: harsh
      [11, 24, 3500], // still harsh: same episode
      ...cruise(12, 60, 30),
      [72, 15, 1500], // -15 km/h in 1 s = -4.17 m/s²: harsh
      [73, 2, 900], // still braking hard: same episode
      [74, 0, 800],
      ...cruise(75, 30, 0, 800),
      ...ramp(105, 0, 30, 5), // +5 km/h a second = 1.4 m/s²: brisk, not harsh
      ...cruise(111, 54, 30),
      [165, 20, 1500], // -10 km/h in 1 s = -2.8 m/s²: firm, not harsh
      ...cruise(166, 10, 20),
    ];
    const [trip] = tripsOf(samples);
    expect(trip.harshAccelerationCount).toBe(1);
    expect(trip.harshBrakingCount).toBe(1);
  });

  it('ignores speed changes across a gap in the data', () => {
    const [trip] = tripsOf([...cruise(0, 60, 100), ...cruise(120, 60, 0, 900), ...cruise(180, 60, 50)]);
    expect(trip.harshBrakingCount).toBe(0);
  });

  it('bridges a hole of up to two minutes in the data, and judges a stop over a 4 s step', () => {
    const [trip] = tripsOf([
      ...cruise(0, 61, 60),
      ...cruise(120, 61, 60), // 59 s without data at 60 km/h: bridged
      [184, 0, 800], // -60 km/h in 4 s = -4.17 m/s²: harsh
    ]);
    expect(trip.distanceKm).toBeCloseTo((180 * 60 + 4 * 30) / 3600, 6);
    expect(trip.harshBrakingCount).toBe(1);
  });

  it('does not count a cranking engine (350 rpm) as running', () => {
    const trips = tripsOf([[0, 0, 350], ...cruise(1, 60, 36)]);
    expect(trips[0].startedAt).toEqual(new Date(T0 + 1000));
  });

  it('reads the recorded drive as the driving model does, as health does', () => {
    const detector = new TripDetector();
    for (const { second, speedKmh, rpm } of RECORDED_DRIVE)
      detector.feed({ t: driveTime(second), values: { p0D: speedKmh, p0C: rpm } });
    const trips = detector.finish();
    const figures = RECORDED_DRIVE_FIGURES;
    expect(trips).toHaveLength(1);
    expect(trips[0]).toMatchObject({
      startedAt: new Date(driveTime(figures.trip.startSecond)),
      endedAt: new Date(driveTime(figures.trip.endSecond)),
      harshBrakingCount: figures.harshBraking,
      harshAccelerationCount: figures.harshAcceleration,
      maxSpeedKmh: figures.maxSpeedKmh,
    });
    expect(trips[0].distanceKm).toBeCloseTo(figures.distanceKm, 9);
    // The trip spans the engine's running time and the hole no reading joins.
    expect(trips[0].durationSeconds).toBe(figures.engineRunningSeconds + figures.unjoinedSeconds);
  });
});
