import { initialVehicleState, type VehicleState } from '../state-machine/vehicle-state.js';
import type { StateVersion, VehicleStateStore } from '../state-machine/vehicle-state.store.js';
import { HealthReader } from './health-reader.js';
import { assessVehicle } from './vehicle-score.js';

const NOW = new Date(Date.UTC(2026, 5, 2, 12));

/** A vehicle that has driven 30,000 km with many hard stops: not what a vehicle without data scores. */
function driven(vehicleId: string): VehicleState {
  const state = initialVehicleState(vehicleId);
  state.usage.distanceKm = 30_000;
  state.parts.BRAKES.hardStops = 400;
  return state;
}

function readerWith(states: VehicleState[]) {
  const store = {
    latestMany: async (ids: readonly string[]) =>
      new Map(
        states
          .filter((s) => ids.includes(s.vehicleId))
          .map((state): [string, StateVersion] => [
            state.vehicleId,
            { vehicleId: state.vehicleId, version: 1, state } as StateVersion,
          ]),
      ),
  } as unknown as VehicleStateStore;
  return new HealthReader(store, () => NOW);
}

describe('HealthReader', () => {
  it('assesses every vehicle of a page as it would alone, those without data once for the page', async () => {
    const reader = readerWith([driven('v2')]);
    const request = {};
    const [v1, v2, v3] = await Promise.all(['v1', 'v2', 'v3'].map((id) => reader.read(request, id)));
    const now = NOW.getTime();

    expect(v1!.assessment).toEqual(assessVehicle(initialVehicleState('v1'), now));
    expect(v3!.assessment).toEqual(assessVehicle(initialVehicleState('v3'), now));
    expect(v2!.assessment).toEqual(assessVehicle(driven('v2'), now));
    expect(v2!.assessment.score).toBeLessThan(v1!.assessment.score);
    // Each keeps its own state; the vehicles without data share one assessment.
    expect([v1!.state.vehicleId, v2!.state.vehicleId, v3!.state.vehicleId]).toEqual(['v1', 'v2', 'v3']);
    expect(v3!.assessment).toBe(v1!.assessment);
    expect(v2!.assessment).not.toBe(v1!.assessment);
    expect([v1!.now, v2!.now, v3!.now]).toEqual([now, now, now]);
  });

  it('gives a vehicle without data its own initial state, the same object on every read of the request', async () => {
    const reader = readerWith([]);
    const request = {};
    const [v1, v3] = await Promise.all([reader.read(request, 'v1'), reader.read(request, 'v3')]);
    expect(v1!.state).toEqual(initialVehicleState('v1'));
    expect(v3!.state).toEqual(initialVehicleState('v3'));
    expect(v1!.state).toBe(v1!.state);
    const { state, assessment, now } = await reader.read(request, 'v1');
    expect([state, assessment, now]).toEqual([v1!.state, v1!.assessment, NOW.getTime()]);
    expect(state).toBe(v1!.state);
    expect((await reader.read({}, 'v1')).state).not.toBe(v1!.state);
  });

  it('relies on a vehicle without data being assessed alike whichever vehicle it is', () => {
    for (const now of [0, NOW.getTime(), NOW.getTime() + 400 * 86_400_000]) {
      expect(assessVehicle(initialVehicleState('a'), now)).toEqual(assessVehicle(initialVehicleState('b'), now));
    }
  });
});
