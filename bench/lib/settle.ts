import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { childrenCpuSeconds, cpuSecondsSince } from './cpu.js';

const WINDOW_MS = 1000;
/** Below this many cores, a process counts as idle (timers, keep-alives and metrics never stop). */
const IDLE_CORES = 0.15;
const QUIET_WINDOWS = 2;

/**
 * Waits until this process (the system) and the local database have been idle for a couple of
 * seconds: background pipelines (health consuming the telemetry stream, say) have caught up
 * with what the last load produced, so it does not skew the next measurement. Returns the
 * seconds it took, or null if they were still busy after `timeoutSeconds`.
 */
export async function settle(databasePid: number | undefined, timeoutSeconds = 120): Promise<number | null> {
  const started = performance.now();
  let quiet = 0;
  while (performance.now() - started < timeoutSeconds * 1000) {
    const [own, db] = [process.cpuUsage(), databasePid ? childrenCpuSeconds(databasePid) : undefined];
    await sleep(WINDOW_MS);
    const dbAfter = databasePid ? childrenCpuSeconds(databasePid) : undefined;
    const systemCores = cpuSecondsSince(own) / (WINDOW_MS / 1000);
    const databaseCores = db === undefined || dbAfter === undefined ? 0 : (dbAfter - db) / (WINDOW_MS / 1000);
    quiet = systemCores < IDLE_CORES && databaseCores < IDLE_CORES ? quiet + 1 : 0;
    if (quiet === QUIET_WINDOWS) return Math.round((performance.now() - started) / 100) / 10;
  }
  return null;
}
