import { PerTurnBatch } from './per-turn-batch.js';

describe('PerTurnBatch', () => {
  it("loads one turn's keys once, and gives each caller its own keys' values in order", async () => {
    const loads: string[][] = [];
    const batch = new PerTurnBatch<string, string>(
      async (keys) => (loads.push(keys), keys.map((k) => k.toUpperCase())),
    );
    const answers = await Promise.all([batch.get(['a', 'b']), batch.get(['b']), batch.get([])]);
    expect(answers).toEqual([['A', 'B'], ['B'], []]);
    expect(loads).toEqual([['a', 'b', 'b']]);
  });

  it('loads again in the next turn, and fails every caller of a turn whose load fails', async () => {
    let fail = true;
    const batch = new PerTurnBatch<number, number>(async (keys) => {
      if (fail) throw new Error('down');
      return keys.map((k) => k * 2);
    });
    const failed = await Promise.allSettled([batch.get([1]), batch.get([2])]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await batch.get([3])).toEqual([6]);
  });
});
