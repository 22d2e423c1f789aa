import type { VehicleState } from '../consumer/vehicle-state.js';
import { initialVehicleState } from '../consumer/vehicle-state.js';
import type { VehicleStateStore } from '../consumer/vehicle-state.store.js';
import { assessVehicle, type VehicleAssessment } from './vehicle-score.js';

export interface AssessedVehicle {
  state: VehicleState;
  assessment: VehicleAssessment;
  now: number;
}

/**
 * Reads a vehicle's newest state and assesses it at the current time, once per request: a
 * dashboard asking for health, maintenance, estimates and the report loads the state once.
 */
export class HealthReader {
  private readonly perRequest = new WeakMap<object, Map<string, Promise<AssessedVehicle>>>();

  constructor(
    private readonly states: VehicleStateStore,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  read(request: object, vehicleId: string): Promise<AssessedVehicle> {
    let cache = this.perRequest.get(request);
    if (!cache) this.perRequest.set(request, (cache = new Map()));
    let found = cache.get(vehicleId);
    if (!found) {
      found = this.load(vehicleId);
      cache.set(vehicleId, found);
    }
    return found;
  }

  async load(vehicleId: string): Promise<AssessedVehicle> {
    const state = (await this.states.latest(vehicleId))?.state ?? initialVehicleState(vehicleId);
    const now = this.clock().getTime();
    return { state, assessment: assessVehicle(state, now), now };
  }

  /** Assessments of many vehicles (those with no data are left out). */
  async loadMany(vehicleIds: readonly string[]): Promise<VehicleAssessment[]> {
    const now = this.clock().getTime();
    const latest = await this.states.latestOf(vehicleIds);
    return [...latest.values()].map((v) => assessVehicle(v.state, now));
  }
}
