import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startLocalDatabase, type LocalDatabase } from '../platform/local-db/local-database.js';

let handle: { db: LocalDatabase; dataDir: string } | undefined;

/**
 * `npm run test:unit` runs without a database or Redis: a test that needs one is an integration
 * test, named `*.integration.test.ts` (or an end-to-end test under test/).
 */
export const UNIT_ONLY = 'CLUTCH_TEST_SCOPE';
export const isUnitRun = () => process.env[UNIT_ONLY] === 'unit';
export const NO_SERVERS_IN_UNIT_TESTS =
  'unit tests run without a database or Redis (npm run test:unit): a test that needs one is an integration test; name its file *.integration.test.ts';

/** One real database for the whole run, unless MONGODB_URI points at one already (none for unit tests). */
export async function setup(): Promise<void> {
  if (isUnitRun()) {
    delete process.env.MONGODB_URI;
    return;
  }
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
