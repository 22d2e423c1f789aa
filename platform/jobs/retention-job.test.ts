import { pino } from 'pino';
import { RetentionJob } from './retention-job.js';

const logger = pino({ level: 'silent' });
const now = new Date('2025-03-31T00:00:00Z');

describe('RetentionJob', () => {
  it('deletes what each task keeps no longer, and goes on past a failing task', async () => {
    const cutoffs: Record<string, Date> = {};
    const job = new RetentionJob(
      [
        {
          name: 'broken',
          maxAgeMs: 1000,
          deleteOlderThan: async () => {
            throw new Error('database went away');
          },
        },
        {
          name: 'readings',
          maxAgeMs: 30 * 86_400_000,
          deleteOlderThan: async (cutoff) => ((cutoffs.readings = cutoff), 3),
        },
      ],
      60_000,
      logger,
      () => now,
    );
    await job.runOnce();
    expect(cutoffs.readings).toEqual(new Date('2025-03-01T00:00:00Z'));
    await job.stop();
  });

  it('runs at start and on its interval until stopped, and stop() waits for a pass in progress', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
    try {
      let runs = 0;
      let finish: () => void = () => undefined;
      const job = new RetentionJob(
        [
          {
            name: 't',
            maxAgeMs: 1,
            deleteOlderThan: () => new Promise<number>((resolve) => ((runs += 1), (finish = () => resolve(0)))),
          },
        ],
        60_000,
        logger,
      );
      job.start();
      expect(runs).toBe(1);
      finish();
      await Promise.resolve();
      await jest.advanceTimersByTimeAsync(60_000);
      expect(runs).toBe(2);
      let stopped = false;
      const stopping = job.stop().then(() => (stopped = true));
      await Promise.resolve();
      expect(stopped).toBe(false);
      finish();
      await stopping;
      await jest.advanceTimersByTimeAsync(180_000);
      expect(runs).toBe(2);
    } finally {
      jest.useRealTimers();
    }
  });
});
