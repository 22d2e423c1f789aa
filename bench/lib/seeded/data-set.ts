import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ApiKeyService } from '../../../subgraphs/identity/api-keys/api-key.service.js';
import { ApiKeyStore } from '../../../subgraphs/identity/api-keys/api-key.store.js';
import { ApiScope } from '../../../subgraphs/identity/api-keys/api-key.type.js';
import { AuditStore } from '../../../subgraphs/identity/audit/audit.store.js';
import { progressPath, ProgressFile } from '../../../scripts/seed/progress.js';
import { runSeed, type SeedSummary } from '../../../scripts/seed/run-seed.js';
import type { SeedScale } from '../../../scripts/seed/scales.js';
import { startBenchSystem, type BenchSystem } from '../bench-system.js';

/*
 * A seeded data set for benchmarks: the system on a database kept in a folder, seeded there by
 * `npm run seed`'s own code (through the API, resumable) on the first run and reused afterwards.
 * `DATA_DIR=<dir> npm run seed -- --scale <name>` seeds the same folder the same way.
 */

export interface SeededSystem {
  bench: BenchSystem;
  scale: SeedScale;
  dataDir: string;
  /** The seed's summary when this run seeded (or finished seeding); null when the set was complete. */
  seeded: SeedSummary | null;
  /** Wall-clock seconds this run spent seeding (0 when reused). */
  seedSeconds: number;
}

/** The prefix `npm run seed` writes under (MONGODB_DB_PREFIX, default clutch), so both see one data set. */
const datasetPrefix = () => process.env.MONGODB_DB_PREFIX ?? 'clutch';

/** Written once a seed of `scale` completed in `dataDir`: later runs skip straight to measuring. */
const completeMarker = (dataDir: string, scale: SeedScale) => path.resolve(dataDir, 'seed', `${scale.name}.complete`);

/** Mints a fleet:provision key through identity's own service (audited), as `npm run seed` does. */
async function withProvisioningKey<T>(bench: BenchSystem, name: string, use: (key: string) => Promise<T>): Promise<T> {
  const identityDb = bench.system.deps.mongo.db('identity');
  const keys = new ApiKeyService(new ApiKeyStore(identityDb), new AuditStore(identityDb), bench.system.deps.bus);
  const created = await keys.create(
    { name, scopes: [ApiScope.FLEET_PROVISION], expiresAt: new Date(Date.now() + 86_400_000) },
    'bench',
    {},
  );
  try {
    return await use(created.key);
  } finally {
    await keys.revoke(created.apiKey.id, 'bench', {}).catch(() => undefined);
  }
}

/**
 * Seeds `scales` in turn into the running system (each resumable; one already complete is
 * skipped). Scales do not share records, so seeding a second one grows the data set.
 */
export async function seedInto(
  bench: BenchSystem,
  dataDir: string,
  scale: SeedScale,
  log: (line: string) => void,
  signal?: AbortSignal,
): Promise<{ summary: SeedSummary | null; seconds: number }> {
  const marker = completeMarker(dataDir, scale);
  if (existsSync(marker)) return { summary: null, seconds: 0 };
  const started = performance.now();
  const health = bench.system.deps.mongo.db('health');
  const summary = await withProvisioningKey(bench, `bench seed --scale ${scale.name}`, (apiKey) =>
    runSeed({
      url: bench.system.url,
      scale,
      credentials: { apiKey },
      progress: ProgressFile.open(progressPath(dataDir, scale.name, null), scale.name, 'local', false),
      agentsDb: bench.system.deps.mongo.db('agents'),
      countAlerts: (vehicleIds) => health.collection('alerts').countDocuments({ vehicleId: { $in: [...vehicleIds] } }),
      log,
      signal,
    }),
  );
  writeFileSync(marker, `${new Date().toISOString()}\n`);
  return { summary, seconds: (performance.now() - started) / 1000 };
}

/**
 * The system on the data set of `scale` in `dataDir` (its database in `dataDir`/db), seeded
 * first when it is not complete. Telemetry is kept for the seed's history plus a week, so that
 * the retention job leaves the seeded readings alone.
 */
export async function openSeededSystem(
  scale: SeedScale,
  dataDir: string,
  log: (line: string) => void,
  signal?: AbortSignal,
): Promise<SeededSystem> {
  const bench = await startBenchSystem(
    { TELEMETRY_RETENTION_DAYS: String(scale.readingDays + 7) },
    { dataDir, dbPrefix: datasetPrefix() },
  );
  try {
    const marker = completeMarker(dataDir, scale);
    if (!existsSync(marker)) log(`seeding scale ${scale.name} into ${dataDir} (resumable: stop and run again)...`);
    const { summary, seconds } = await seedInto(bench, dataDir, scale, log, signal);
    return { bench, scale, dataDir, seeded: summary, seedSeconds: seconds };
  } catch (error) {
    await bench.stop();
    throw error;
  }
}
