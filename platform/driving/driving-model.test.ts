import {
  accelerationMps2,
  distanceKm,
  ENGINE_RUNNING_RPM,
  ENGINE_STOPPED_RPM,
  engineRunningSeconds,
  engineStateOfRpm,
  HARSH_ACCELERATION_MPS2,
  HARSH_BRAKING_MPS2,
  HARSH_WINDOW_MS,
  harshStep,
  isEngineRunning,
  joined,
  KMH_PER_MPS,
  MAX_GAP_MS,
  startsEvent,
} from './driving-model.js';

const T0 = Date.UTC(2025, 2, 1, 8, 0, 0);
const p = (seconds: number, value: number) => ({ at: T0 + seconds * 1000, value });
/** A speed change of `mps2` m/s² held for `seconds`, in km/h. */
const kmhChange = (mps2: number, seconds: number) => mps2 * seconds * KMH_PER_MPS;

describe('driving model', () => {
  it('pins its constants and their units', () => {
    expect(KMH_PER_MPS).toBe(3.6);
    expect(HARSH_BRAKING_MPS2).toBe(3.5);
    expect(HARSH_ACCELERATION_MPS2).toBe(3.0);
    expect(HARSH_WINDOW_MS).toBe(5_000);
    expect(ENGINE_RUNNING_RPM).toBe(400);
    expect(ENGINE_STOPPED_RPM).toBe(50);
    expect(MAX_GAP_MS).toBe(120_000);
  });

  it('tells a running engine from a cranking and a stopped one', () => {
    expect(engineStateOfRpm(800)).toBe('running');
    expect(engineStateOfRpm(ENGINE_RUNNING_RPM)).toBe('running');
    expect(engineStateOfRpm(ENGINE_RUNNING_RPM - 1)).toBe('cranking');
    expect(engineStateOfRpm(350)).toBe('cranking');
    expect(engineStateOfRpm(ENGINE_STOPPED_RPM + 1)).toBe('cranking');
    expect(engineStateOfRpm(ENGINE_STOPPED_RPM)).toBe('off');
    expect(engineStateOfRpm(0)).toBe('off');
    expect([350, 399, 400, 900].map(isEngineRunning)).toEqual([false, false, true, true]);
  });

  it('joins readings at most MAX_GAP_MS apart, in time order', () => {
    expect(joined(p(0, 1), p(120, 1))).toBe(true);
    expect(joined(p(0, 1), p(120.001, 1))).toBe(false);
    expect(joined(p(10, 1), p(10, 1))).toBe(false);
    expect(joined(p(10, 1), p(5, 1))).toBe(false);
  });

  it('integrates distance as the trapezoid under speed, and nothing across a gap', () => {
    expect(distanceKm(p(0, 60), p(60, 60))).toBeCloseTo(1, 9);
    expect(distanceKm(p(0, 0), p(10, 72))).toBeCloseTo(0.1, 9);
    expect(distanceKm(p(0, 100), p(120, 100))).toBeCloseTo(100 / 30, 9);
    expect(distanceKm(p(0, 100), p(121, 100))).toBe(0);
    expect(distanceKm(p(10, 100), p(5, 100))).toBe(0);
  });

  it('counts engine time only for joined steps where the engine runs at both ends', () => {
    expect(engineRunningSeconds(p(0, 800), p(5, 2000))).toBe(5);
    expect(engineRunningSeconds(p(0, 350), p(1, 800))).toBe(0);
    expect(engineRunningSeconds(p(0, 800), p(1, 0))).toBe(0);
    expect(engineRunningSeconds(p(0, 800), p(121, 800))).toBe(0);
  });

  it('judges speed changes only over steps of at most HARSH_WINDOW_MS', () => {
    expect(accelerationMps2(p(0, 50), p(1, 50 + kmhChange(2, 1)))).toBeCloseTo(2, 9);
    expect(accelerationMps2(p(0, 80), p(5, 80 - kmhChange(4, 5)))).toBeCloseTo(-4, 9);
    expect(accelerationMps2(p(0, 80), p(5.001, 0))).toBeNull();
    expect(accelerationMps2(p(5, 80), p(5, 0))).toBeNull();
  });

  it('calls braking harsh from HARSH_BRAKING_MPS2 and acceleration from HARSH_ACCELERATION_MPS2', () => {
    // Over 5 s: 63 km/h is 17.5 m/s (3.5 m/s²), 54 km/h 15 m/s (3.0 m/s²).
    const step = (from: number, to: number) => harshStep(p(0, from), p(5, to));
    expect(step(63, 0)).toEqual({ braking: true, accelerating: false });
    expect(step(62.9, 0)).toEqual({ braking: false, accelerating: false });
    expect(step(20, 74)).toEqual({ braking: false, accelerating: true });
    expect(step(20, 73.9)).toEqual({ braking: false, accelerating: false });
    // The same stop over a step longer than the window is not judged.
    expect(harshStep(p(0, 60), p(6, 0))).toEqual({ braking: false, accelerating: false });
  });

  it('counts one event per episode of consecutive harsh steps', () => {
    const steps = [false, true, true, false, true, false, false];
    const events = steps.map((harsh, i) => startsEvent(steps[i - 1] ?? false, harsh));
    expect(events).toEqual([false, true, false, false, true, false, false]);
  });
});
