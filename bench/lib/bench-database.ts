import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startLocalDatabase } from '../../platform/local-db/local-database.js';

export interface BenchDatabase {
  uri: string;
  /** What the database is: the local engine started here, or "external" for MONGODB_URI. */
  database: string;
  /** The local database server's process (under its watchdog), to account for its CPU; none for MONGODB_URI. */
  pid?: number;
  /** True for MONGODB_URI: a shared server, on which a benchmark must drop what it created. */
  external: boolean;
  stop(): Promise<void>;
}

/**
 * A database of its own in a temporary folder, or the server MONGODB_URI names; `ferretdb`
 * starts that FerretDB binary in a temporary folder whatever MONGODB_URI says. With `dataDir`
 * the local database lives there and is kept (a seeded data set that later runs reuse).
 */
export async function startBenchDatabase(
  options: { ferretdb?: string; label?: string; dataDir?: string } = {},
): Promise<BenchDatabase> {
  const external = process.env.MONGODB_URI;
  if (external && !options.ferretdb)
    return { uri: external, database: 'external (MONGODB_URI)', external: true, stop: async () => {} };
  const kept = options.dataDir !== undefined;
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'clutch-bench-db-'));
  const remove = () => {
    if (!kept) rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const local = await startLocalDatabase({ dataDir, root: process.cwd(), ferretdb: options.ferretdb });
    return {
      uri: local.uri,
      database: options.label ?? local.engine,
      pid: local.pid,
      external: false,
      async stop() {
        await local.stop();
        remove();
      },
    };
  } catch (error) {
    remove();
    throw error;
  }
}
