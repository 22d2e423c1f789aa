import { applyDtcReport, initialDtcs, type DtcState } from '../observations/dtc-state.js';
import { initialUsage, type UsageState } from '../observations/usage.js';
import { at } from '../testing/readings.js';
import { battery } from './battery.js';
import { brakes } from './brakes.js';
import { cooling } from './cooling.js';
import { emissions } from './emissions.js';
import { engineOil, OIL } from './engine-oil.js';
import { fuelSystem } from './fuel-system.js';
import { ignition } from './ignition.js';
import { DAY_MS, interpolate, statusOf } from './part.js';
import type { AssessContext, ObserveContext } from './part-model.js';
import { tyres } from './tyres.js';

const usage = (over: Partial<UsageState> = {}): UsageState => ({
  ...initialUsage(),
  firstAt: at(0),
  lastAt: at(0),
  ...over,
});
const context = (over: Partial<AssessContext> = {}): AssessContext => ({
  now: at(0),
  usage: usage(),
  dtcs: initialDtcs(),
  kmPerDay: 40,
  kmPerDayMeasured: true,
  ...over,
});
const observe = (
  values: Record<string, number>,
  engine: ObserveContext['delta']['engine'],
  time = at(0),
  tyresKpa = {},
) => ({
  sample: { at: time, values, tyres: tyresKpa },
  delta: { engine, km: 0, revolutions: 0, hotRevolutions: 0, harshBrakes: 0, endedRun: null },
  usage: usage(),
});
const dtcs = (...codes: string[]): DtcState => {
  const state = initialDtcs();
  applyDtcReport(state, 'confirmed', codes, at(0));
  return state;
};

describe('part scores and statuses', () => {
  it('maps scores to statuses at 75, 50 and 25, and interpolates between points', () => {
    expect([100, 75, 74.9, 50, 49.9, 25, 24.9, 0].map(statusOf)).toEqual([
      'GOOD',
      'GOOD',
      'FAIR',
      'FAIR',
      'POOR',
      'POOR',
      'CRITICAL',
      'CRITICAL',
    ]);
    expect(
      interpolate(12.1, [
        [12, 40],
        [12.2, 60],
      ]),
    ).toBeCloseTo(50);
    expect(
      interpolate(5, [
        [12, 40],
        [12.2, 60],
      ]),
    ).toBe(40);
  });
});

describe('engine oil', () => {
  it('wears with revolutions and age, whichever is further gone, and says when it is due', () => {
    const oil = engineOil.initial();
    engineOil.renew(oil, { at: at(0), km: 0 });
    oil.revolutions = OIL.ratedRevolutions / 2;
    const half = engineOil.assess(oil, context({ usage: usage({ distanceKm: 7500 }) }));
    expect(half).toMatchObject({ score: 50, status: 'FAIR', remainingKm: 7500 });
    const old = engineOil.assess(oil, context({ now: at(0) + 300 * DAY_MS, usage: usage({ distanceKm: 7500 }) }));
    expect(old.score).toBeCloseTo(17.8, 1);
    expect(old.remainingDays).toBe(65);
  });

  it('has low confidence and says so when no oil change was recorded', () => {
    const assessed = engineOil.assess(engineOil.initial(), context());
    expect(assessed.confidence).toBeLessThanOrEqual(0.3);
    expect(assessed.evidence.at(-1)!.message).toMatch(/No oil change recorded/);
  });
});

describe('battery', () => {
  it('scores the resting voltage, penalises a weak crank and a charging fault', () => {
    const state = battery.initial();
    battery.observe!(state, observe({ voltage: 12.65 }, 'off'));
    expect(battery.assess(state, context())).toMatchObject({ score: 100, status: 'GOOD' });
    battery.observe!(state, observe({ voltage: 8.7 }, 'cranking', at(5)));
    expect(battery.assess(state, context()).score).toBe(75);
    battery.observe!(state, observe({ voltage: 12.6 }, 'running', at(10)));
    const notCharging = battery.assess(state, context());
    expect(notCharging.score).toBe(30);
    expect(notCharging.evidence.map((e) => e.message)).toContainEqual(expect.stringMatching(/not charging/));
  });

  it('keeps the newest resting value when readings arrive out of order, and forgets it on replacement', () => {
    const state = battery.initial();
    battery.observe!(state, observe({ voltage: 11.2 }, 'off', at(20)));
    battery.observe!(state, observe({ voltage: 12.6 }, 'off', at(10)));
    expect(state.resting).toEqual({ volts: 11.2, at: at(20) });
    battery.renew(state, { at: at(30), km: 0 });
    expect(state.resting).toBeNull();
    expect(battery.assess(state, context()).evidence.map((e) => e.message)).toContainEqual(
      'Battery fitted 0 day(s) ago',
    );
  });
});

describe('cooling system', () => {
  it('counts overheating episodes with hysteresis, and is CRITICAL while overheating now', () => {
    const state = cooling.initial();
    const temps = [90, 112, 115, 108, 111, 100, 113];
    temps.forEach((c, i) => cooling.observe!(state, observe({ coolant: c }, 'running', at(i))));
    expect(state.episodes).toBe(2);
    // The warm average is the operating temperature: the overheating readings are not in it.
    expect(state.warmAverageC).toBeLessThan(100);
    expect(cooling.assess(state, context({ usage: usage({ lastAt: at(6) }) })).status).toBe('CRITICAL');
    cooling.observe!(state, observe({ coolant: 95 }, 'running', at(7)));
    expect(cooling.assess(state, context({ usage: usage({ lastAt: at(7) }) })).score).toBeCloseTo(60, 0);
  });
});

describe('brakes and tyres', () => {
  it('wear with distance, brakes faster with hard stops', () => {
    const pads = brakes.initial();
    expect(brakes.assess(pads, context({ usage: usage({ distanceKm: 20_000 }) }))).toMatchObject({
      score: 50,
      remainingKm: 20_000,
      remainingDays: 500,
    });
    pads.hardStops = 100;
    const hard = brakes.assess(pads, context({ usage: usage({ distanceKm: 20_000 }) }));
    expect(hard.score).toBe(45);
    expect(hard.remainingKm).toBeLessThan(20_000);
    const tread = tyres.initial();
    expect(tyres.assess(tread, context({ usage: usage({ distanceKm: 25_000 }) })).score).toBe(50);
  });

  it('sees a flat tyre at once when pressures are reported', () => {
    const state = tyres.initial();
    tyres.observe!(state, observe({}, 'running', at(0), { 'front left': 240, 'rear right': 120 }));
    const assessed = tyres.assess(state, context());
    expect(assessed.status).toBe('CRITICAL');
    expect(assessed.evidence.map((e) => e.message)).toContain('rear right: 120 kPa (flat)');
  });
});

describe('ignition, emissions and fuel system', () => {
  it('lowers ignition for misfire codes, most for a random misfire', () => {
    expect(ignition.assess(ignition.initial(), context()).score).toBe(100);
    expect(ignition.assess(ignition.initial(), context({ dtcs: dtcs('P0301') }))).toMatchObject({
      score: 45,
      status: 'POOR',
      remainingKm: 0,
    });
    expect(ignition.assess(ignition.initial(), context({ dtcs: dtcs('P0300') })).score).toBe(30);
    const state = ignition.initial();
    ignition.onDtcs!(state, dtcs('P0302'), at(0));
    ignition.onDtcs!(state, initialDtcs(), at(10));
    ignition.onDtcs!(state, dtcs('P0302'), at(20));
    expect(state.episodes).toBe(2);
  });

  it('lowers emissions for catalyst codes, a lit MIL and incomplete readiness monitors', () => {
    const state = emissions.initial();
    expect(emissions.assess(state, context()).confidence).toBeLessThan(0.2);
    emissions.observe!(state, observe({ mil: 1, incompleteMonitors: 2 }, 'running'));
    expect(emissions.assess(state, context()).score).toBe(80);
    expect(emissions.assess(state, context({ dtcs: dtcs('P0420') })).score).toBe(20);
  });

  it('reads long-term fuel trims beyond ±25 % as POOR', () => {
    const state = fuelSystem.initial();
    fuelSystem.observe!(state, observe({ ltft1: 3 }, 'running', at(0)));
    expect(fuelSystem.assess(state, context()).status).toBe('GOOD');
    const lean = fuelSystem.initial();
    fuelSystem.observe!(lean, observe({ ltft1: -28, ltft2: 2 }, 'running', at(0)));
    expect(fuelSystem.assess(lean, context())).toMatchObject({ status: 'POOR', remainingKm: 0 });
    expect(fuelSystem.assess(lean, context()).evidence[0].message).toMatch(/bank 1 -28 %.*beyond/);
  });
});
