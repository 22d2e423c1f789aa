import { at, round, rounds } from '../testing/readings.js';
import { assessVehicle } from '../scoring/vehicle-score.js';
import type { Effect } from './effects.js';
import { reduce, type HealthInput } from './reduce.js';
import { initialVehicleState, type VehicleState } from './vehicle-state.js';

const V = 'veh1';
const readings = (list: ReturnType<typeof rounds>): HealthInput => ({ kind: 'readings', readings: list });
const alerts = (effects: Effect[]) => effects.filter((e) => e.kind !== 'snapshot');
const part = (state: VehicleState, name: string, now = state.usage.lastAt ?? 0) =>
  assessVehicle(state, now).parts.find((p) => p.part === name)!;

describe('reduce: overheating', () => {
  it('raises exactly one CRITICAL alert for coolant at 120 °C over many readings, and resolves it once cool for the minimum duration', () => {
    const state = initialVehicleState(V);
    const hot = alerts(reduce(state, readings(rounds(0, 600, 5, { rpm: 2200, coolant: 120 }))));
    expect(hot).toEqual([
      {
        kind: 'open-alert',
        alert: expect.objectContaining({
          id: `${V}:coolant-overheat:1`,
          rule: 'coolant-overheat',
          part: 'COOLING_SYSTEM',
          severity: 'CRITICAL',
          value: 120,
          threshold: 110,
          openedAt: at(30),
          conditionSince: at(0),
          message: expect.stringContaining('120 °C'),
        }),
      },
    ]);
    // More uploads of the same overheat: still the one alert.
    expect(alerts(reduce(state, readings(rounds(605, 900, 5, { rpm: 2200, coolant: 121 }))))).toEqual([]);
    expect(part(state, 'COOLING_SYSTEM').status).toBe('CRITICAL');

    // Below the threshold but not past the hysteresis (105 °C): stays open.
    expect(alerts(reduce(state, readings(rounds(905, 1200, 5, { rpm: 2200, coolant: 107 }))))).toEqual([]);
    const cooled = alerts(reduce(state, readings(rounds(1205, 1400, 5, { rpm: 2200, coolant: 95 }))));
    expect(cooled).toEqual([
      { kind: 'resolve-alert', alertId: `${V}:coolant-overheat:1`, vehicleId: V, at: at(1235), value: 95 },
    ]);
  });

  it('raises nothing for a spike shorter than the minimum duration', () => {
    const state = initialVehicleState(V);
    const spike = rounds(0, 60, 5, (s) => ({ rpm: 2000, coolant: s >= 20 && s < 40 ? 125 : 92 }));
    expect(alerts(reduce(state, readings(spike)))).toEqual([]);
  });

  it('does not flap when an older upload arrives after a newer one', () => {
    const state = initialVehicleState(V);
    reduce(state, readings(rounds(0, 120, 5, { rpm: 2000, coolant: 120 })));
    reduce(state, readings(rounds(125, 240, 5, { rpm: 2000, coolant: 90 })));
    expect(state.rules['coolant-overheat'].phase).toBe('idle');
    // The device's backlog from the overheat comes in last: no second alert.
    expect(alerts(reduce(state, readings(rounds(40, 120, 5, { rpm: 2000, coolant: 125 }))))).toEqual([]);
    // A batch whose own rounds are out of order is sorted first.
    const other = initialVehicleState('veh2');
    const shuffled = rounds(0, 60, 5, { rpm: 2000, coolant: 120 }).reverse();
    expect(alerts(reduce(other, readings(shuffled))).map((e) => e.kind)).toEqual(['open-alert']);
  });
});

describe('reduce: misfire', () => {
  it('raises a misfire alert and lowers the ignition part on P0301, and resolves it when the codes are cleared', () => {
    const state = initialVehicleState(V);
    expect(part(state, 'IGNITION').status).toBe('GOOD');
    const raised = alerts(reduce(state, { kind: 'dtcs', mode: 'confirmed', codes: ['P0301'], at: at(10) }));
    expect(raised).toEqual([
      {
        kind: 'open-alert',
        alert: expect.objectContaining({
          rule: 'ignition-misfire',
          severity: 'HIGH',
          part: 'IGNITION',
          message: expect.stringContaining('P0301'),
        }),
      },
    ]);
    const ignition = part(state, 'IGNITION', at(10));
    expect(ignition.score).toBeLessThan(50);
    expect(ignition.evidence[0].message).toContain('P0301');
    // The dongle reports it again every 30 s: still one alert.
    expect(alerts(reduce(state, { kind: 'dtcs', mode: 'confirmed', codes: ['P0301'], at: at(40) }))).toEqual([]);

    const cleared = alerts(reduce(state, { kind: 'dtcs', mode: 'cleared', codes: ['P0301'], at: at(60) }));
    expect(cleared).toEqual([expect.objectContaining({ kind: 'resolve-alert', alertId: `${V}:ignition-misfire:1` })]);
    expect(part(state, 'IGNITION', at(60)).score).toBeGreaterThan(ignition.score);
    // The backlog from before the clear does not bring it back.
    expect(alerts(reduce(state, { kind: 'dtcs', mode: 'confirmed', codes: ['P0301'], at: at(50) }))).toEqual([]);
  });

  it('raises the alert of a code in the second reply of one upload (an event per mode, one time)', () => {
    const state = initialVehicleState(V);
    const confirmed = alerts(reduce(state, { kind: 'dtcs', mode: 'confirmed', codes: ['P0301'], at: at(0) }));
    expect(confirmed.map((e) => e.kind === 'open-alert' && e.alert.rule)).toEqual(['ignition-misfire']);
    const permanent = alerts(reduce(state, { kind: 'dtcs', mode: 'permanent', codes: ['P0217'], at: at(0) }));
    expect(permanent).toEqual([
      expect.objectContaining({ alert: expect.objectContaining({ rule: 'critical-dtc', severity: 'CRITICAL' }) }),
    ]);
    // The same event again (a redelivered copy) changes nothing.
    expect(alerts(reduce(state, { kind: 'dtcs', mode: 'permanent', codes: ['P0217'], at: at(0) }))).toEqual([]);
    // A clear at that same instant resolves both.
    const cleared = alerts(reduce(state, { kind: 'dtcs', mode: 'cleared', codes: [], at: at(0) }));
    expect(cleared.map((e) => e.kind)).toEqual(['resolve-alert', 'resolve-alert']);
  });

  it('raises a CRITICAL alert for a critical code (engine over temperature)', () => {
    const state = initialVehicleState(V);
    const raised = alerts(reduce(state, { kind: 'dtcs', mode: 'confirmed', codes: ['P0217'], at: at(0) }));
    expect(raised).toEqual([
      expect.objectContaining({ alert: expect.objectContaining({ rule: 'critical-dtc', severity: 'CRITICAL' }) }),
    ]);
  });
});

describe('reduce: battery', () => {
  it('raises a battery alert for a resting 11.2 V', () => {
    const state = initialVehicleState(V);
    const raised = alerts(reduce(state, readings(rounds(0, 60, 5, { rpm: 0, voltage: 11.2 }))));
    expect(raised).toEqual([
      expect.objectContaining({
        alert: expect.objectContaining({ rule: 'battery-resting-low', severity: 'HIGH', value: 11.2 }),
      }),
    ]);
    const battery = part(state, 'BATTERY');
    expect(battery.status).not.toBe('GOOD');
    expect(battery.evidence[0].message).toMatch(/Resting voltage 11\.2 V: low/);
  });

  it('reads a running 14.2 V as healthy charging', () => {
    const state = initialVehicleState(V);
    expect(alerts(reduce(state, readings(rounds(0, 300, 5, { rpm: 1800, voltage: 14.2 }))))).toEqual([]);
    const battery = part(state, 'BATTERY');
    expect(battery.status).toBe('GOOD');
    expect(battery.evidence.map((e) => e.message)).toContainEqual(
      expect.stringMatching(/Charging at 14\.2 V while the engine runs: healthy/),
    );
  });

  it('raises a charging alert when the alternator stops charging', () => {
    const state = initialVehicleState(V);
    const raised = alerts(reduce(state, readings(rounds(0, 120, 5, { rpm: 1800, voltage: 12.4 }))));
    expect(raised).toEqual([
      expect.objectContaining({ alert: expect.objectContaining({ rule: 'battery-not-charging' }) }),
    ]);
  });
});

describe('reduce: oil', () => {
  it('lowers oil life with engine revolutions and resets it when an oil change is recorded', () => {
    const state = initialVehicleState(V);
    const oil = () => part(state, 'ENGINE_OIL', at(0)).score;
    expect(oil()).toBe(100);
    // 100 minutes at 3000 rpm: 300,000 revolutions, 1 % of rated oil life.
    reduce(state, readings(rounds(0, 6000, 5, { rpm: 3000, speed: 90, coolant: 90 })));
    const afterDrive = oil();
    expect(afterDrive).toBeCloseTo(99, 0);
    reduce(state, readings(rounds(6005, 12000, 5, { rpm: 3000, speed: 90, coolant: 90 })));
    expect(oil()).toBeLessThan(afterDrive);
    expect(state.parts.ENGINE_OIL.revolutions).toBeCloseTo(600_000, -3);

    reduce(state, { kind: 'service', service: 'OIL_CHANGE', at: at(12_100), odometerKm: 42_000 });
    expect(oil()).toBe(100);
    expect(state.parts.ENGINE_OIL).toMatchObject({ revolutions: 0, renewal: { at: at(12_100) } });
    expect(state.odometer).toMatchObject({ km: 42_000 });
  });

  it('charges hot running and short cold trips extra', () => {
    const hot = initialVehicleState('hot');
    reduce(hot, readings(rounds(0, 3000, 5, { rpm: 3000, coolant: 90, oilTemp: 125 })));
    const normal = initialVehicleState('normal');
    reduce(normal, readings(rounds(0, 3000, 5, { rpm: 3000, coolant: 90, oilTemp: 100 })));
    expect(hot.parts.ENGINE_OIL.penaltyRevolutions).toBeCloseTo(hot.parts.ENGINE_OIL.revolutions, 0);
    expect(normal.parts.ENGINE_OIL.penaltyRevolutions).toBe(0);

    const cold = initialVehicleState('cold');
    // Five minutes of driving that never warms up, then the engine stops.
    reduce(
      cold,
      readings([...rounds(0, 300, 5, { rpm: 1500, coolant: 40 }), ...round(at(305), { rpm: 0, coolant: 40 })]),
    );
    expect(cold.parts.ENGINE_OIL.coldShortTrips).toBe(1);
  });
});

describe('reduce: services and snapshots', () => {
  it('resolves an oil-life alert on an oil change, and ignores an older service recorded after a newer one', () => {
    const state = initialVehicleState(V);
    state.parts.ENGINE_OIL.revolutions = 29_000_000;
    const raised = alerts(reduce(state, readings(rounds(0, 10, 5, { rpm: 2000 }))));
    expect(raised).toEqual([expect.objectContaining({ alert: expect.objectContaining({ rule: 'oil-life-low' }) })]);
    const resolved = alerts(reduce(state, { kind: 'service', service: 'OIL_CHANGE', at: at(20), odometerKm: null }));
    expect(resolved).toEqual([expect.objectContaining({ kind: 'resolve-alert', alertId: `${V}:oil-life-low:1` })]);
    reduce(state, readings(rounds(25, 60, 5, { rpm: 2000 })));
    reduce(state, { kind: 'service', service: 'OIL_CHANGE', at: at(5), odometerKm: null });
    expect(state.services.OIL_CHANGE?.at).toBe(at(20));
    expect(state.parts.ENGINE_OIL.revolutions).toBeGreaterThan(0);
  });

  it('writes one snapshot per day, refreshed at most hourly in event time', () => {
    const state = initialVehicleState(V);
    const snapshots = (input: HealthInput) => reduce(state, input).filter((e) => e.kind === 'snapshot');
    expect(snapshots(readings(round(at(0), { rpm: 800 })))).toHaveLength(1);
    expect(snapshots(readings(round(at(60), { rpm: 800 })))).toHaveLength(0);
    expect(snapshots(readings(round(at(3600), { rpm: 800 })))).toHaveLength(1);
    const nextDay = snapshots(readings(round(at(86_400), { rpm: 800 })));
    expect(nextDay).toEqual([
      expect.objectContaining({ snapshot: expect.objectContaining({ vehicleId: V, day: '2025-06-03', grade: 'A' }) }),
    ]);
  });
});

describe('reduce: acknowledgements', () => {
  const acknowledge = (number: number, by = 'u1', rule = 'coolant-overheat'): HealthInput => ({
    kind: 'acknowledge',
    rule,
    number,
    by,
    at: at(700),
  });
  const overheated = () => {
    const state = initialVehicleState(V);
    reduce(state, readings(rounds(0, 600, 5, { rpm: 2200, coolant: 120 })));
    return state;
  };

  it('acknowledges the open alert once; a second acknowledgement changes nothing', () => {
    const state = overheated();
    expect(reduce(state, acknowledge(1))).toEqual([
      { kind: 'acknowledge-alert', alertId: `${V}:coolant-overheat:1`, by: 'u1', at: at(700) },
    ]);
    expect(reduce(state, acknowledge(1, 'u2'))).toEqual([]);
    // The condition still rules: cooling down resolves the acknowledged alert.
    const cooled = alerts(reduce(state, readings(rounds(605, 900, 5, { rpm: 2200, coolant: 90 }))));
    expect(cooled).toEqual([expect.objectContaining({ kind: 'resolve-alert', alertId: `${V}:coolant-overheat:1` })]);
  });

  it('ignores an acknowledgement of an alert that is resolved, not the current one, or of a rule never fired', () => {
    const state = overheated();
    reduce(state, readings(rounds(605, 900, 5, { rpm: 2200, coolant: 90 })));
    expect(reduce(state, acknowledge(1))).toEqual([]);
    expect(reduce(state, acknowledge(2))).toEqual([]);
    expect(reduce(state, acknowledge(1, 'u1', 'battery-resting-low'))).toEqual([]);
    expect(state.rules['coolant-overheat'].acknowledged).toBeUndefined();
  });
});

describe('reduce: recompute', () => {
  const DAY = 86_400;
  const recompute = (seconds: number): HealthInput => ({ kind: 'recompute', at: at(seconds) });
  const driven = () => {
    const state = initialVehicleState(V);
    reduce(state, readings(rounds(0, 60, 5, { rpm: 900, coolant: 90 })));
    return state;
  };

  it('snapshots at once, as of its time, whatever the hourly throttle, and leaves the rules alone', () => {
    const state = driven();
    const before = structuredClone(state);
    const effects = reduce(state, recompute(600));
    expect(effects).toEqual([
      {
        kind: 'snapshot',
        snapshot: expect.objectContaining({ vehicleId: V, day: '2025-06-02', at: at(600), grade: 'A' }),
      },
    ]);
    expect(state.snapshot).toEqual({ day: '2025-06-02', at: at(600) });
    expect({ ...state, snapshot: before.snapshot }).toEqual(before);
  });

  it("sees what time alone did to a parked car's parts", () => {
    const state = driven();
    const [fresh] = reduce(state, recompute(120));
    const [later] = reduce(state, recompute(300 * DAY));
    const oil = (effect: Effect) =>
      effect.kind === 'snapshot' ? effect.snapshot.parts.find((p) => p.part === 'ENGINE_OIL')!.score : NaN;
    expect(later).toMatchObject({ kind: 'snapshot', snapshot: { day: '2026-03-29' } });
    expect(oil(later)).toBeLessThan(oil(fresh) - 50);
  });

  it('ignores a command no newer than the last snapshot: it would only rewind it', () => {
    const state = driven();
    reduce(state, recompute(3600));
    expect(reduce(state, recompute(1800))).toEqual([]);
    expect(reduce(state, recompute(3600))).toEqual([]);
    expect(state.snapshot).toEqual({ day: '2025-06-02', at: at(3600) });
  });

  it('restarts the hourly throttle of incoming data from the recompute', () => {
    const state = driven();
    reduce(state, recompute(3000));
    const snapshots = (input: HealthInput) => reduce(state, input).filter((e) => e.kind === 'snapshot');
    expect(snapshots(readings(round(at(3700), { rpm: 800 })))).toHaveLength(0);
    expect(snapshots(readings(round(at(6600), { rpm: 800 })))).toHaveLength(1);
  });
});
