import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface MemorySnapshot {
  rssMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
  /** Memory outside the V8 heap held by JS objects (Buffers among it). */
  externalMb: number;
}

const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

/** This process only: the system under test, the load generator runs elsewhere. */
export function memorySnapshot(): MemorySnapshot {
  const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
  return { rssMb: mb(rss), heapUsedMb: mb(heapUsed), heapTotalMb: mb(heapTotal), externalMb: mb(external) };
}

let collectGarbage: (() => void) | undefined;

/**
 * A snapshot after a full garbage collection, so that heap figures say what is held rather
 * than when the collector last ran. `gc` is exposed at run time because npm scripts run
 * the benchmarks without node flags.
 */
export function settledMemorySnapshot(): MemorySnapshot {
  if (!collectGarbage) {
    setFlagsFromString('--expose-gc');
    collectGarbage = runInNewContext('gc') as () => void;
  }
  collectGarbage();
  return memorySnapshot();
}
