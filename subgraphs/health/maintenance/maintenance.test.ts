import { reduce } from '../state-machine/reduce.js';
import { initialVehicleState } from '../state-machine/vehicle-state.js';
import { DAY_MS, type PartAssessment } from '../parts/part.js';
import { assessVehicle } from '../scoring/vehicle-score.js';
import { at } from '../testing/readings.js';
import { recommend } from './recommendations.js';
import { maintenanceSchedule, urgencyOf } from './schedule.js';

describe('maintenance schedule', () => {
  it('counts each service from when it was last done, by distance and time, and gives due odometer readings', () => {
    const state = initialVehicleState('v');
    reduce(state, { kind: 'service', service: 'OIL_CHANGE', at: at(0), odometerKm: 50_000 });
    Object.assign(state.usage, { firstAt: at(0), lastAt: at(0) + 10 * DAY_MS, distanceKm: 500 });
    const now = at(0) + 10 * DAY_MS;
    const schedule = maintenanceSchedule(state, assessVehicle(state, now).parts, now);
    const oil = schedule.find((s) => s.kind === 'OIL_CHANGE')!;
    // 50 km a day measured: 14,500 km left by distance, 355 days by age (17,750 km): distance first.
    expect(oil).toMatchObject({
      dueInKm: 14_500,
      dueAtKm: 65_000,
      dueInDays: 290,
      urgency: 'ROUTINE',
      lastDoneAt: at(0),
    });
    expect(oil.reason).toMatch(/every 15,000 km or 12 months; last done 2025-06-02/);
    const brakes = schedule.find((s) => s.kind === 'BRAKE_SERVICE')!;
    expect(brakes.reason).toMatch(/none recorded/);
    expect(brakes.dueAtKm).toBe(50_000 + 500 + 19_500);
  });

  it('makes a service due now when its part is CRITICAL, and sorts the most urgent first', () => {
    const state = initialVehicleState('v');
    state.parts.COOLING_SYSTEM = {
      ...state.parts.COOLING_SYSTEM,
      inEpisode: true,
      episodes: 1,
      last: { celsius: 120, at: at(0) },
    };
    Object.assign(state.usage, { firstAt: at(0), lastAt: at(0) });
    const schedule = maintenanceSchedule(state, assessVehicle(state, at(0)).parts, at(0));
    expect(schedule[0]).toMatchObject({ kind: 'COOLANT_SERVICE', urgency: 'IMMEDIATE', dueInDays: 0 });
  });

  it('calls a service overdue at 0, soon within 30 days or 1,000 km', () => {
    expect(urgencyOf(-1, 500)).toBe('IMMEDIATE');
    expect(urgencyOf(100, 0)).toBe('IMMEDIATE');
    expect(urgencyOf(20, 5000)).toBe('SOON');
    expect(urgencyOf(200, 900)).toBe('SOON');
    expect(urgencyOf(200, 5000)).toBe('ROUTINE');
    expect(urgencyOf(null, null)).toBe('ROUTINE');
  });
});

describe('recommend', () => {
  const part = (over: Partial<PartAssessment>): PartAssessment => ({
    part: 'BRAKES',
    name: 'Brakes',
    score: 40,
    status: 'POOR',
    remainingKm: 1,
    remainingDays: 1,
    confidence: 0.5,
    evidence: [{ message: 'worn pads', observedAt: null }],
    updatedAt: null,
    ...over,
  });

  it('puts open alerts first, then worn parts, then services falling due, one per part or service, with reasons', () => {
    const recommendations = recommend(
      [part({}), part({ part: 'TYRES', name: 'Tyres', status: 'GOOD', score: 90 })],
      [{ rule: 'coolant-overheat', part: 'COOLING_SYSTEM', severity: 'CRITICAL', message: 'Engine overheating' }],
      [
        {
          kind: 'OIL_CHANGE',
          title: 'Oil change',
          lastDoneAt: null,
          dueAtKm: null,
          dueInKm: 500,
          dueAt: null,
          dueInDays: 12,
          urgency: 'SOON',
          reason: 'every 15,000 km',
        },
        {
          kind: 'INSPECTION',
          title: 'General inspection',
          lastDoneAt: null,
          dueAtKm: null,
          dueInKm: 9000,
          dueAt: null,
          dueInDays: 200,
          urgency: 'ROUTINE',
          reason: '',
        },
      ],
    );
    expect(recommendations).toEqual([
      {
        title: 'Stop driving and get help',
        reason: 'Engine overheating',
        urgency: 'IMMEDIATE',
        part: 'COOLING_SYSTEM',
        service: null,
      },
      {
        title: 'Have the brakes checked',
        reason: 'Brakes poor (score 40): worn pads',
        urgency: 'SOON',
        part: 'BRAKES',
        service: null,
      },
      { title: 'Oil change due soon', reason: 'every 15,000 km', urgency: 'SOON', part: null, service: 'OIL_CHANGE' },
    ]);
  });
});
