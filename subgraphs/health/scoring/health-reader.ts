import DataLoader from 'dataloader';
import type { VehicleState } from '../state-machine/vehicle-state.js';
import { initialVehicleState } from '../state-machine/vehicle-state.js';
import type { VehicleStateStore } from '../state-machine/vehicle-state.store.js';
import { IN_BATCH_SIZE } from '../../../platform/mongo/find-many-by-id.js';
import { assessVehicle, type VehicleAssessment } from './vehicle-score.js';

export interface AssessedVehicle {
  state: VehicleState;
  assessment: VehicleAssessment;
  now: number;
}

/**
 * Reads a vehicle's newest state and assesses it at the current time, once per request: a
 * dashboard asking for health, maintenance, estimates and the report loads the state once, and
 * a page of vehicles loads their states together.
 */
export class HealthReader {
  private readonly perRequest = new WeakMap<object, DataLoader<string, AssessedVehicle>>();

  constructor(
    private readonly states: VehicleStateStore,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  read(request: object, vehicleId: string): Promise<AssessedVehicle> {
    let loader = this.perRequest.get(request);
    if (!loader) {
      loader = new DataLoader((ids) => this.loadBatch(ids), { maxBatchSize: IN_BATCH_SIZE });
      this.perRequest.set(request, loader);
    }
    return loader.load(vehicleId);
  }

  private async loadBatch(vehicleIds: readonly string[]): Promise<AssessedVehicle[]> {
    const latest = await this.states.latestMany(vehicleIds);
    const now = this.clock().getTime();
    // A vehicle with no data yet is assessed from the initial state, which says nothing of which
    // vehicle it is: at one instant all of them have the same assessment, made once per batch (a
    // page of such vehicles assessed each alike: 4.4 % of the subgraph process's CPU on the list
    // of 20 under bench:gateway --compare). Like every value here, callers must not mutate it.
    let noData: VehicleAssessment | undefined;
    return vehicleIds.map((id) => {
      const stored = latest.get(id)?.state;
      if (stored) return { state: stored, assessment: assessVehicle(stored, now), now };
      return new NoDataVehicle(id, (noData ??= assessVehicle(initialVehicleState(id), now)), now);
    });
  }

  /** Assessments of many vehicles (those with no data are left out). */
  async loadMany(vehicleIds: readonly string[]): Promise<VehicleAssessment[]> {
    const now = this.clock().getTime();
    const latest = await this.states.latestOf(vehicleIds);
    return [...latest.values()].map((v) => assessVehicle(v.state, now));
  }
}

/**
 * A vehicle without data. Its initial state (a dozen objects) is made when a reader first asks
 * for it, then kept: the health field of a page of vehicles never does (1.8 % of the subgraph
 * process's CPU on the list of 20 made twenty of them per request).
 */
class NoDataVehicle implements AssessedVehicle {
  readonly #vehicleId: string;
  #state: VehicleState | undefined;

  constructor(
    vehicleId: string,
    readonly assessment: VehicleAssessment,
    readonly now: number,
  ) {
    this.#vehicleId = vehicleId;
  }

  get state(): VehicleState {
    return (this.#state ??= initialVehicleState(this.#vehicleId));
  }
}
