import { sampleBeta, sampleGamma, sampleStandardNormal } from './distributions.js';
import { createRng } from './prng.js';

function moments(draw: () => number, n: number): { mean: number; variance: number } {
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    const x = draw();
    sum += x;
    sumSq += x * x;
  }
  const mean = sum / n;
  return { mean, variance: sumSq / n - mean * mean };
}

describe('sampling', () => {
  const n = 40000;

  it('standard normal has mean 0 and variance 1', () => {
    const rng = createRng(11);
    const m = moments(() => sampleStandardNormal(rng), n);
    expect(m.mean).toBeCloseTo(0, 1);
    expect(m.variance).toBeCloseTo(1, 1);
  });

  it.each([0.3, 1, 2.5, 9])('Gamma(%p) has mean and variance equal to its shape', (shape) => {
    const rng = createRng(shape * 100);
    const m = moments(() => sampleGamma(shape, rng), n);
    expect(Math.abs(m.mean - shape) / shape).toBeLessThan(0.03);
    expect(Math.abs(m.variance - shape) / shape).toBeLessThan(0.08);
  });

  it.each([
    [1, 1],
    [2, 8],
    [30, 5],
    [0.5, 0.5],
  ])('Beta(%p, %p) has the right mean and variance and stays in [0, 1]', (a, b) => {
    const rng = createRng(a * 31 + b);
    const draws: number[] = [];
    const m = moments(() => {
      const x = sampleBeta(a, b, rng);
      draws.push(x);
      return x;
    }, n);
    const mean = a / (a + b);
    const variance = (a * b) / ((a + b) ** 2 * (a + b + 1));
    expect(Math.abs(m.mean - mean)).toBeLessThan(0.01);
    expect(Math.abs(m.variance - variance) / variance).toBeLessThan(0.08);
    expect(draws.every((x) => x >= 0 && x <= 1)).toBe(true);
  });

  it('refuses a non-positive shape', () => {
    const rng = createRng(1);
    expect(() => sampleGamma(0, rng)).toThrow(RangeError);
    expect(() => sampleGamma(-1, rng)).toThrow(RangeError);
    expect(() => sampleGamma(Number.NaN, rng)).toThrow(RangeError);
  });
});
