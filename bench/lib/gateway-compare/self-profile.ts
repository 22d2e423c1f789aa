import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';

/*
 * bench:gateway --compare --subgraph-cpu-prof <dir>: a CPU profile of this process (the
 * subgraphs every gateway calls) during each measured run only, one file per run, so that
 * seeding, start-up and the other gateways' runs stay out of it. `node --cpu-prof` would cover
 * the whole process life.
 */

export interface SelfProfiler {
  /** Profiles `work`, and saves what ran meanwhile as `<dir>/<name>.cpuprofile`. */
  around<T>(name: string, work: () => Promise<T>): Promise<T>;
  close(): void;
}

const NONE: SelfProfiler = { around: (_name, work) => work(), close: () => undefined };

export async function selfProfiler(dir: string | undefined): Promise<SelfProfiler> {
  if (!dir) return NONE;
  mkdirSync(dir, { recursive: true });
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  return {
    async around(name, work) {
      await session.post('Profiler.start');
      try {
        return await work();
      } finally {
        const { profile } = await session.post('Profiler.stop');
        const file = path.join(dir, `${name.replace(/[^\w.-]+/g, '_')}.cpuprofile`);
        writeFileSync(file, JSON.stringify(profile));
        console.log(`subgraph CPU profile: ${file}`);
      }
    },
    close: () => session.disconnect(),
  };
}
