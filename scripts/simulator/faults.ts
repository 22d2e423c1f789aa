import type { Random } from './random.js';

export const FAULTS = ['overheat', 'misfire', 'weak-battery'] as const;
export type Fault = (typeof FAULTS)[number];

/** `--fault misfire` is every vehicle (fraction 1); `--fault misfire:0.2` a fifth of them. */
export interface FaultSpec {
  fault: Fault;
  fraction: number;
}

/** Misfire detected in cylinder 1: what the misfire fault reports in Mode 03. */
export const MISFIRE_CODE = 'P0301';

/**
 * Which faults each vehicle has. A fraction is rounded to whole vehicles but never to none, since
 * asking for a fault means wanting to see it; the vehicles are drawn from the seeded source, a
 * different draw per fault so that faults overlap only by chance.
 */
export function assignFaults(specs: readonly FaultSpec[], vehicleCount: number, random: Random): Fault[][] {
  const assigned: Fault[][] = Array.from({ length: vehicleCount }, () => []);
  for (const { fault, fraction } of specs) {
    const count = Math.min(vehicleCount, Math.max(1, Math.round(fraction * vehicleCount)));
    for (const index of shuffledIndexes(vehicleCount, random.fork(fault)).slice(0, count)) {
      if (!assigned[index].includes(fault)) assigned[index].push(fault);
    }
  }
  return assigned;
}

function shuffledIndexes(count: number, random: Random): number[] {
  const indexes = Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = random.int(0, i);
    [indexes[i], indexes[j]] = [indexes[j], indexes[i]];
  }
  return indexes;
}
