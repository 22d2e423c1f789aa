import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/*
 * What a seed has done, so that running it again resumes: kept in a JSON file under DATA_DIR
 * (.data/seed/), next to the database it describes, written atomically and readable by its owner
 * only (it holds the device tokens of the vehicles whose readings are still to send).
 * Everything the seed writes is idempotent on its own (provisioning by key, uploads by key,
 * decisions by id), so the file only saves asking again for what is done.
 */

const progressSchema = z.object({
  version: z.literal(1),
  scale: z.string(),
  target: z.string(),
  /** Idempotency keys of this seed: random, so that another seed's keys never collide with them. */
  runKey: z.string().regex(/^[0-9a-f]{24}$/),
  /** Where the telemetry histories end: fixed at the first run, so a resumed seed sends the same uploads. */
  anchor: z.iso.datetime(),
  fleet: z.object({
    requestsDone: z.array(z.number().int().nonnegative()),
    /** Device credentials of the reading vehicles, by vehicle index. */
    devices: z.record(z.string(), z.object({ vehicleId: z.string(), deviceToken: z.string() })),
  }),
  readings: z.object({ uploadsDone: z.record(z.string(), z.number().int().nonnegative()) }),
  decisions: z.object({ done: z.number().int().nonnegative() }),
  /** Partner chains whose centres are listed, by owner key, with how many centres they held then. */
  centres: z.object({ ownersDone: z.record(z.string(), z.number().int().nonnegative()) }).default({ ownersDone: {} }),
});
export type Progress = z.infer<typeof progressSchema>;

export class ProgressFile {
  private dirty = false;

  private constructor(
    readonly file: string,
    readonly state: Progress,
    /** False for a fresh start. */
    readonly resumed: boolean,
  ) {}

  /** The progress of `scale` on `target`, or a fresh one (always fresh with `restart`). */
  static open(file: string, scale: string, target: string, restart: boolean, now = new Date()): ProgressFile {
    if (!restart) {
      let text: string | null;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        text = null;
      }
      if (text !== null) {
        const parsed = progressSchema.safeParse(JSON.parse(text));
        if (!parsed.success || parsed.data.scale !== scale || parsed.data.target !== target) {
          throw new Error(`${file} is not this seed's progress; pass --restart to start over`);
        }
        return new ProgressFile(file, parsed.data, true);
      }
    }
    const anchor = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
    const fresh: Progress = {
      version: 1,
      scale,
      target,
      runKey: randomBytes(12).toString('hex'),
      anchor: anchor.toISOString(),
      fleet: { requestsDone: [], devices: {} },
      readings: { uploadsDone: {} },
      decisions: { done: 0 },
      centres: { ownersDone: {} },
    };
    const progress = new ProgressFile(file, fresh, false);
    progress.save();
    return progress;
  }

  changed(): void {
    this.dirty = true;
  }

  /** Writes when something changed since the last save (or always, with `force`). */
  save(force = true): void {
    if (!force && !this.dirty) return;
    mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(this.state), { mode: 0o600 });
    renameSync(temporary, this.file);
    this.dirty = false;
  }
}

/** `.data/seed/<scale>.json` for the stack the seed starts, `.data/seed/<host>-<port>-<scale>.json` for a URL. */
export function progressPath(dataDir: string, scale: string, url: string | null): string {
  if (!url) return path.resolve(dataDir, 'seed', `${scale}.json`);
  const { hostname, port, protocol } = new URL(url);
  const where = `${hostname}-${port || (protocol === 'https:' ? '443' : '80')}`.replace(/[^A-Za-z0-9.-]/g, '_');
  return path.resolve(dataDir, 'seed', `${where}-${scale}.json`);
}
