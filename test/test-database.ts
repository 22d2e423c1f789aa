import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startLocalDatabase, type LocalDatabase } from '../platform/local-db/local-database.js';

let handle: { db: LocalDatabase; dataDir: string } | undefined;

/** One real database for the whole run, unless MONGODB_URI points at one already. */
export async function setup(): Promise<void> {
  if (process.env.MONGODB_URI) return;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'clutch-test-db-'));
  const db = await startLocalDatabase({ dataDir, root: process.cwd() });
  process.env.MONGODB_URI = db.uri;
  handle = { db, dataDir };
}

export async function teardown(): Promise<void> {
  if (!handle) return;
  await handle.db.stop();
  rmSync(handle.dataDir, { recursive: true, force: true });
  handle = undefined;
}
