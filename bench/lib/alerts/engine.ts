import { performance } from 'node:perf_hooks';
import { ALERT_RULES } from '../../../subgraphs/health/alerts/rules.js';
import { reduce } from '../../../subgraphs/health/state-machine/reduce.js';
import { initialVehicleState } from '../../../subgraphs/health/state-machine/vehicle-state.js';
import { SimulatedFleet } from './fleet.js';

export interface EngineResult {
  vehicles: number;
  rounds: number;
  ruleEvaluations: number;
  seconds: number;
  evaluationsPerSecond: number;
  alertsOpened: number;
}

/** Rules that look at each round of readings (the others look at trouble-code reports). */
export const READING_RULES = ALERT_RULES.filter((r) => r.trigger === 'readings').length;

/**
 * The rule engine alone: every vehicle's state in memory, each round folded in with `reduce`
 * (usage, the eight part models, every readings rule). Only the folding is timed.
 */
export function measureEngine(vehicles: number, rounds: number): EngineResult {
  const fleet = new SimulatedFleet(vehicles, Date.now() - rounds * 5000);
  const states = Array.from({ length: vehicles }, (_, i) => initialVehicleState(`bench-${i}`));
  let seconds = 0;
  let alertsOpened = 0;
  for (let r = 0; r < rounds; r++) {
    const readings = fleet.round();
    const started = performance.now();
    for (let i = 0; i < vehicles; i++) {
      for (const effect of reduce(states[i], { kind: 'readings', readings: readings[i] })) {
        if (effect.kind === 'open-alert') alertsOpened++;
      }
    }
    seconds += (performance.now() - started) / 1000;
  }
  const ruleEvaluations = vehicles * rounds * READING_RULES;
  return { vehicles, rounds, ruleEvaluations, seconds, evaluationsPerSecond: ruleEvaluations / seconds, alertsOpened };
}
