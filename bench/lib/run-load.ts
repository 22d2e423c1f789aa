import type { LoadResult, LoadSettings } from './load.js';
import { startWorker } from './worker.js';

/** Runs one load test in a separate process (see load-process.ts) and returns its figures. */
export async function runLoad(settings: LoadSettings): Promise<LoadResult> {
  const worker = startWorker<LoadSettings>('bench/lib/load-process.ts');
  try {
    return await worker.call<LoadResult>(settings);
  } finally {
    await worker.stop();
  }
}
