import { assignFaults } from './faults.js';
import { createRandom } from './random.js';

const withFault = (assigned: string[][], fault: string) => assigned.flatMap((f, i) => (f.includes(fault) ? [i] : []));

describe('assignFaults', () => {
  it('gives a fault with no share to every vehicle', () => {
    expect(assignFaults([{ fault: 'misfire', fraction: 1 }], 3, createRandom(1))).toEqual([
      ['misfire'],
      ['misfire'],
      ['misfire'],
    ]);
  });

  it('gives a share of the vehicles the fault, rounded, but never none', () => {
    expect(
      withFault(assignFaults([{ fault: 'overheat', fraction: 0.2 }], 50, createRandom(1)), 'overheat'),
    ).toHaveLength(10);
    expect(
      withFault(assignFaults([{ fault: 'overheat', fraction: 0.01 }], 5, createRandom(1)), 'overheat'),
    ).toHaveLength(1);
  });

  it('draws the vehicles from the seed: the same seed, the same vehicles', () => {
    const specs = [
      { fault: 'overheat' as const, fraction: 0.3 },
      { fault: 'weak-battery' as const, fraction: 0.3 },
    ];
    expect(assignFaults(specs, 20, createRandom(4))).toEqual(assignFaults(specs, 20, createRandom(4)));
    expect(assignFaults(specs, 20, createRandom(4))).not.toEqual(assignFaults(specs, 20, createRandom(5)));
  });

  it('lets one vehicle have several faults, each once', () => {
    const assigned = assignFaults(
      [
        { fault: 'misfire', fraction: 1 },
        { fault: 'weak-battery', fraction: 1 },
        { fault: 'misfire', fraction: 1 },
      ],
      2,
      createRandom(1),
    );
    expect(assigned).toEqual([
      ['misfire', 'weak-battery'],
      ['misfire', 'weak-battery'],
    ]);
  });
});
