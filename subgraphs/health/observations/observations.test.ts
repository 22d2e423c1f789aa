import { driveTime, RECORDED_DRIVE, RECORDED_DRIVE_FIGURES } from '../../../platform/driving/testing/recorded-drive.js';
import { at, round, rounds } from '../testing/readings.js';
import { applyDtcReport, codesMatching, describeCodes, initialDtcs } from './dtc-state.js';
import { engineStateOf } from './engine-state.js';
import { toSamples } from './sample.js';
import { drivingRate, initialUsage, observeUsage, TYPICAL_KM_PER_DAY } from './usage.js';

describe('toSamples', () => {
  it('groups readings by the instant they were measured, oldest first, keeping only what health uses', () => {
    const readings = [
      ...round(at(10), { rpm: 900, coolant: 80 }),
      ...round(at(0), { rpm: 850, mil: true, incompleteMonitors: 2 }),
      { pid: '2F', name: 'Fuel tank level', value: 50, unit: '%', recordedAt: new Date(at(0)).toISOString() },
      {
        pid: '01',
        name: 'Catalyst monitor complete',
        value: 0,
        unit: 'boolean',
        recordedAt: new Date(at(0)).toISOString(),
      },
    ];
    expect(toSamples(readings)).toEqual([
      { at: at(0), values: { rpm: 850, mil: 1, incompleteMonitors: 2, catalystReady: 0 }, tyres: {} },
      { at: at(10), values: { rpm: 900, coolant: 80 }, tyres: {} },
    ]);
  });

  it('reads tyre pressures named by position in kPa, bar or psi, and drops readings with an unreadable time or value', () => {
    const recordedAt = new Date(at(0)).toISOString();
    const samples = toSamples([
      { pid: 'A0', name: 'Tyre pressure front left', value: 2.3, unit: 'bar', recordedAt },
      { pid: 'A0', name: 'Tire pressure rear right', value: 30, unit: 'psi', recordedAt },
      { pid: 'A0', name: 'Tyre pressure spare', value: 5, unit: 'furlongs', recordedAt },
      { pid: '0C', name: 'Engine speed', value: 800, unit: 'rpm', recordedAt: 'yesterday' },
      { pid: '0D', name: 'Vehicle speed', value: Number.NaN, unit: 'km/h', recordedAt },
    ]);
    expect(samples).toHaveLength(1);
    expect(samples[0].values).toEqual({});
    expect(samples[0].tyres['front left']).toBeCloseTo(230);
    expect(samples[0].tyres['rear right']).toBeCloseTo(206.8, 1);
    expect(Object.keys(samples[0].tyres)).toHaveLength(2);
  });
});

describe('engineStateOf', () => {
  const sample = (values: Record<string, number>) => ({ at: at(10), values, tyres: {} });
  it('tells running, cranking and off from rpm, a recent rpm, or a charging voltage', () => {
    expect(engineStateOf(sample({ rpm: 800 }), null)).toBe('running');
    expect(engineStateOf(sample({ rpm: 220 }), null)).toBe('cranking');
    expect(engineStateOf(sample({ rpm: 399 }), null)).toBe('cranking');
    expect(engineStateOf(sample({ rpm: 400 }), null)).toBe('running');
    expect(engineStateOf(sample({ rpm: 0 }), null)).toBe('off');
    expect(engineStateOf(sample({ voltage: 12.5 }), { value: 0, at: at(0) })).toBe('off');
    expect(engineStateOf(sample({ voltage: 12.5 }), { value: 0, at: at(-60) })).toBe('unknown');
    expect(engineStateOf(sample({ voltage: 14.1 }), null)).toBe('running');
  });
});

describe('observeUsage', () => {
  it('integrates distance and revolutions between close samples, and counts one hard stop per braking', () => {
    const usage = initialUsage();
    const speeds = [50, 50, 30, 10, 0, 0, 20];
    const deltas = speeds.map((speed, i) => observeUsage(usage, toSamples(round(at(i), { speed, rpm: 1200 }))[0]));
    // 50 → 30 km/h in 1 s is 5.6 m/s²: one hard stop, however many samples it spans.
    expect(usage.harshBrakes).toBe(1);
    expect(deltas.map((d) => d.harshBrakes)).toEqual([0, 0, 1, 0, 0, 0, 0]);
    expect(usage.distanceKm).toBeCloseTo((50 + 40 + 20 + 5 + 0 + 10) / 3600, 6);
    expect(usage.revolutions).toBeCloseTo((1200 * 6) / 60, 6);
  });

  it('joins nothing across a gap, and integrates nothing for a sample older than the newest seen', () => {
    const usage = initialUsage();
    observeUsage(usage, toSamples(round(at(0), { speed: 100, rpm: 2000 }))[0]);
    observeUsage(usage, toSamples(round(at(600), { speed: 100, rpm: 2000 }))[0]);
    expect(usage.distanceKm).toBe(0);
    observeUsage(usage, toSamples(round(at(300), { speed: 100, rpm: 2000 }))[0]);
    expect(usage).toMatchObject({ distanceKm: 0, revolutions: 0, firstAt: at(0), lastAt: at(600) });
  });

  it('ends an engine run when the engine stops and reports it with its warmest coolant', () => {
    const usage = initialUsage();
    for (const s of toSamples(rounds(0, 120, 10, { rpm: 1500, coolant: 45 }))) observeUsage(usage, s);
    const stop = observeUsage(usage, toSamples(round(at(130), { rpm: 0, coolant: 46 }))[0]);
    expect(stop.endedRun).toEqual({ durationMs: 120_000, maxCoolant: 45 });
    expect(usage.run).toBeNull();
  });

  it('ends a braking episode at a hole in the data: a hard stop after it is a new one', () => {
    const usage = initialUsage();
    // Readings stop in the middle of a hard stop (-20 km/h a second) and resume 3 minutes later in another.
    for (const [s, speed] of [
      [0, 80],
      [1, 60],
      [181, 60],
      [182, 40],
    ])
      observeUsage(usage, toSamples(round(at(s), { speed, rpm: 1500 }))[0]);
    expect(usage.harshBrakes).toBe(2);
  });

  it('reads the recorded drive as the driving model does, as trips do', () => {
    const usage = initialUsage();
    for (const { second, speedKmh, rpm } of RECORDED_DRIVE)
      observeUsage(usage, toSamples(round(driveTime(second), { speed: speedKmh, rpm }))[0]);
    const figures = RECORDED_DRIVE_FIGURES;
    expect(usage.distanceKm).toBeCloseTo(figures.distanceKm, 9);
    expect(usage.harshBrakes).toBe(figures.harshBraking);
    expect(usage.engineSeconds).toBe(figures.engineRunningSeconds);
  });

  it('measures the daily distance once a day of data exists, with a typical default before', () => {
    const usage = initialUsage();
    expect(drivingRate(usage)).toEqual({ kmPerDay: TYPICAL_KM_PER_DAY, measured: false });
    Object.assign(usage, { firstAt: at(0), lastAt: at(2 * 86_400), distanceKm: 100 });
    expect(drivingRate(usage)).toEqual({ kmPerDay: 50, measured: true });
  });
});

describe('DTC state', () => {
  it('mirrors telemetry: confirmed is ACTIVE, pending stays ACTIVE once confirmed, a clear removes what it saw, a backlog changes nothing', () => {
    const dtcs = initialDtcs();
    expect(applyDtcReport(dtcs, 'pending', ['P0301'], at(0))).toBe(true);
    expect(dtcs.codes.P0301.status).toBe('PENDING');
    applyDtcReport(dtcs, 'confirmed', ['P0301', 'P0420'], at(10));
    applyDtcReport(dtcs, 'pending', ['P0301'], at(20));
    expect(dtcs.codes.P0301).toEqual({ status: 'ACTIVE', firstSeenAt: at(0), lastSeenAt: at(20) });
    expect(codesMatching(dtcs, /^P04/)).toEqual(['P0420']);
    expect(describeCodes(dtcs).map((c) => [c.code, c.severity])).toEqual([
      ['P0301', 'HIGH'],
      ['P0420', 'MEDIUM'],
    ]);
    expect(applyDtcReport(dtcs, 'cleared', [], at(30))).toBe(true);
    expect(dtcs.codes).toEqual({});
    expect(applyDtcReport(dtcs, 'confirmed', ['P0301'], at(25))).toBe(false);
    expect(applyDtcReport(dtcs, 'cleared', [], at(29))).toBe(false);
    expect(applyDtcReport(dtcs, 'confirmed', ['P0301'], at(40))).toBe(true);
  });
});
