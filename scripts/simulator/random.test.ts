import { createRandom } from './random.js';

const draws = (seed: number, n = 20) => {
  const random = createRandom(seed);
  return Array.from({ length: n }, () => random.next());
};

describe('createRandom', () => {
  it('replays the same sequence for the same seed, and another for another seed', () => {
    expect(draws(42)).toEqual(draws(42));
    expect(draws(42)).not.toEqual(draws(43));
  });

  it('stays within the bounds it promises', () => {
    const random = createRandom(1);
    for (let i = 0; i < 10_000; i++) {
      const x = random.next();
      expect(x >= 0 && x < 1).toBe(true);
      const n = random.int(3, 5);
      expect([3, 4, 5]).toContain(n);
      const b = random.between(-2, 2);
      expect(b >= -2 && b < 2).toBe(true);
    }
  });

  it('draws noise with roughly the standard deviation asked for', () => {
    const random = createRandom(9);
    const values = Array.from({ length: 20_000 }, () => random.noise(2));
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
    expect(Math.abs(mean)).toBeLessThan(0.1);
    expect(sd).toBeGreaterThan(1.9);
    expect(sd).toBeLessThan(2.1);
  });

  it('forks streams that do not depend on how much the parent or a sibling drew', () => {
    const a = createRandom(5);
    const b = createRandom(5);
    b.next();
    b.fork('vehicle:0').next();
    expect(a.fork('vehicle:1').next()).toBe(b.fork('vehicle:1').next());
    expect(a.fork('vehicle:1').next()).not.toBe(a.fork('vehicle:2').next());
  });
});
