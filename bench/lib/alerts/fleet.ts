import { createRandom, type Random } from '../../../scripts/simulator/random.js';
import { VehicleSim } from '../../../scripts/simulator/vehicle-sim.js';
import type { Fault } from '../../../scripts/simulator/faults.js';
import type { ReadingLike } from '../../../subgraphs/health/observations/sample.js';

/** Each fault goes to this share of the simulated fleet, so that the rules have something to find. */
const FAULT_SHARE: Record<Fault, number> = { overheat: 0.1, misfire: 0.05, 'weak-battery': 0.1 };

/** The readings health uses, from a simulator snapshot, as telemetry would publish them. */
const PIDS = [
  ['0C', 'Engine speed', 'rpm', 'rpm'],
  ['0D', 'Vehicle speed', 'km/h', 'speed'],
  ['05', 'Engine coolant temperature', '°C', 'coolant'],
  ['42', 'Control module voltage', 'V', 'voltage'],
  ['5C', 'Engine oil temperature', '°C', 'oil'],
  ['07', 'Long term fuel trim bank 1', '%', 'longFuelTrim'],
] as const;

/**
 * Cars of the simulator (scripts/simulator) on a simulated clock: each `round()` moves every car
 * on by `stepSeconds` and returns what its dongle would have read.
 */
export class SimulatedFleet {
  private readonly cars: VehicleSim[];
  private elapsed = 0;

  constructor(
    readonly size: number,
    private readonly startedAt: number,
    private readonly stepSeconds = 5,
    seed = 42,
  ) {
    const root = createRandom(seed);
    this.cars = Array.from(
      { length: size },
      (_, i) => new VehicleSim(root.fork(`car:${i}`), faultsFor(root.fork(`faults:${i}`))),
    );
  }

  /** One round of every car: readings by car index. */
  round(): ReadingLike[][] {
    this.elapsed += this.stepSeconds;
    const recordedAt = new Date(this.startedAt + this.elapsed * 1000).toISOString();
    return this.cars.map((car) => {
      const snapshot = car.advance(this.stepSeconds) as unknown as Record<string, number>;
      return PIDS.map(([pid, name, unit, key]) => ({
        pid,
        name,
        unit,
        value: Math.round(snapshot[key] * 100) / 100,
        recordedAt,
      }));
    });
  }
}

function faultsFor(random: Random): Fault[] {
  return (Object.keys(FAULT_SHARE) as Fault[]).filter((fault) => random.chance(FAULT_SHARE[fault]));
}
