import { Pool } from 'undici';
import { serveWorker } from '../worker.js';
import { classify, type BurstOutcome, type BurstResult, type BurstSettings } from './burst.js';

/*
 * Sends every request at once, each on a connection of its own (a burst of customers, not a
 * pipeline of one), in a process of its own so the system's event loop does not pay for it.
 */
async function burst(settings: BurstSettings): Promise<BurstResult> {
  const { origin, pathname } = new URL(settings.url);
  const pool = new Pool(origin, { connections: settings.requests.length });
  try {
    const started = performance.now();
    const outcomes = await Promise.all(
      settings.requests.map(async ({ headers, body }): Promise<BurstOutcome> => {
        const t0 = performance.now();
        try {
          const response = await pool.request({ method: 'POST', path: pathname, headers, body });
          const text = await response.body.text();
          return { ms: performance.now() - t0, ...classify(response.statusCode, text) };
        } catch {
          return { ms: performance.now() - t0, bookingId: null, code: 'TRANSPORT' };
        }
      }),
    );
    return { outcomes, seconds: (performance.now() - started) / 1000 };
  } finally {
    await pool.close();
  }
}

serveWorker(burst);
