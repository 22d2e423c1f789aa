/**
 * A seeded xoshiro128** generator. Its whole state is four uint32s, so a decision can be
 * replayed exactly and the generator can be stored with the learning state and resumed.
 */
export type RngState = readonly [number, number, number, number];

export interface Rng {
  /** A uniform float in [0, 1). */
  next(): number;
  /** A copy of the current state; `restoreRng(getState())` continues the same sequence. */
  getState(): RngState;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** splitmix32 spreads a small or patterned seed over all 128 bits of state. */
function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** FNV-1a, so that string seeds such as a decision id map to a stable number. */
function hashSeed(seed: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h = Math.imul(h ^ seed.charCodeAt(i), 0x01000193) >>> 0;
  }
  return h;
}

export function createRng(seed: number | string): Rng {
  const mix = splitmix32(typeof seed === 'string' ? hashSeed(seed) : seed);
  return restoreRng([mix(), mix(), mix(), mix()]);
}

export function restoreRng(state: RngState): Rng {
  let [a, b, c, d] = state.map((v) => v >>> 0);
  // The all-zero state is the one fixed point of xoshiro; it would return 0 forever.
  if ((a | b | c | d) === 0) a = 1;
  return {
    next() {
      const result = Math.imul(rotl(Math.imul(b, 5) >>> 0, 7), 9) >>> 0;
      const t = (b << 9) >>> 0;
      c = (c ^ a) >>> 0;
      d = (d ^ b) >>> 0;
      b = (b ^ c) >>> 0;
      a = (a ^ d) >>> 0;
      c = (c ^ t) >>> 0;
      d = rotl(d, 11);
      return result / 0x1_0000_0000;
    },
    getState: () => [a, b, c, d],
  };
}
