/**
 * A seeded pseudo-random source (mulberry32), so that `--seed` replays the same drive cycles,
 * faults and frames. Not for secrets: account passwords come from node:crypto.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [min, max). */
  between(min: number, max: number): number;
  /** Whole number in [min, max], both included. */
  int(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Roughly normal with this standard deviation (a sum of uniforms): never wild, which suits sensor noise. */
  noise(sd: number): number;
  /** An independent stream derived from this one's seed and a label: adding draws to one
   *  vehicle's stream never shifts another's. */
  fork(label: string | number): Random;
}

export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const random: Random = {
    next,
    between: (min, max) => min + (max - min) * next(),
    int: (min, max) => min + Math.floor((max - min + 1) * next()),
    chance: (probability) => next() < probability,
    pick: (items) => items[Math.floor(items.length * next())],
    noise: (sd) => (next() + next() + next() + next() + next() + next() - 3) * sd * Math.SQRT2,
    fork: (label) => createRandom(hash(`${seed}:${label}`)),
  };
  return random;
}

/** FNV-1a: spreads nearby labels ("vehicle:1", "vehicle:2") over unrelated seeds. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
