import type { Rng } from './prng.js';

/** Box–Muller; `1 - u` keeps the logarithm away from zero because `next()` may return 0. */
export function sampleStandardNormal(rng: Rng): number {
  const u1 = 1 - rng.next();
  const u2 = rng.next();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** Gamma(shape, 1) by Marsaglia and Tsang (2000). */
export function sampleGamma(shape: number, rng: Rng): number {
  if (!(shape > 0) || !Number.isFinite(shape)) {
    throw new RangeError(`gamma shape must be a positive finite number, got ${shape}`);
  }
  if (shape < 1) {
    // The method needs shape >= 1; Gamma(a) = Gamma(a + 1) * U^(1/a) covers the rest.
    const u = 1 - rng.next();
    return sampleGamma(shape + 1, rng) * Math.pow(u, 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = sampleStandardNormal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rng.next();
    // The cheap squeeze accepts almost every sample without computing logarithms.
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

export function sampleBeta(alpha: number, beta: number, rng: Rng): number {
  const x = sampleGamma(alpha, rng);
  const y = sampleGamma(beta, rng);
  const sum = x + y;
  // Both gammas can underflow to 0 for tiny shapes; the mean is the honest answer then.
  return sum > 0 ? x / sum : alpha / (alpha + beta);
}
