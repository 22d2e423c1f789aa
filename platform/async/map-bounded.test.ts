import { setTimeout as sleep } from 'node:timers/promises';
import { mapBounded } from './map-bounded.js';

describe('mapBounded', () => {
  it('keeps the order of the items whatever order the calls finish in', async () => {
    const delays = [30, 5, 20, 0, 10];
    expect(await mapBounded(delays, 2, async (ms, i) => (await sleep(ms), `${i}:${ms}`))).toEqual([
      '0:30',
      '1:5',
      '2:20',
      '3:0',
      '4:10',
    ]);
  });

  it('never has more than `limit` calls pending', async () => {
    let pending = 0;
    let most = 0;
    await mapBounded(
      Array.from({ length: 20 }, (_, i) => i),
      3,
      async () => {
        most = Math.max(most, ++pending);
        await sleep(1);
        pending--;
      },
    );
    expect(most).toBe(3);
  });

  it('answers an empty list without calling', async () => {
    const fn = jest.fn();
    expect(await mapBounded([], 4, fn)).toEqual([]);
    expect(fn).not.toHaveBeenCalled();
  });

  it('rejects with the first failure', async () => {
    await expect(
      mapBounded([1, 2, 3], 2, async (n) => {
        if (n === 2) throw new Error('two');
        return n;
      }),
    ).rejects.toThrow('two');
  });
});
