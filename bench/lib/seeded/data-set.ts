import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ApiKeyService } from '../../../subgraphs/identity/api-keys/api-key.service.js';
import { ApiKeyStore } from '../../../subgraphs/identity/api-keys/api-key.store.js';
import { ApiScope } from '../../../subgraphs/identity/api-keys/api-key.type.js';
import { AuditStore } from '../../../subgraphs/identity/audit/audit.store.js';
import { seedDecisions } from '../../../scripts/seed/decisions.js';
import { fleetRequests } from '../../../scripts/seed/fleet-plan.js';
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
  /** Seeded without the telemetry histories (and so without the alerts health raises from them). */
  withoutReadings: boolean;
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
 * The scale's customers, vehicles, dongles and decisions, but not its telemetry histories (hours
 * of ingest at the seed scale on a small machine) nor the alerts health raises from them: the
 * seed's provisioning runs until the fleet is complete and is stopped there, then the decisions
 * are written as the seed writes them and recorded in its progress, so that a later full seed
 * resumes with the readings.
 */
async function seedWithoutReadings(
  bench: BenchSystem,
  dataDir: string,
  scale: SeedScale,
  log: (line: string) => void,
  signal?: AbortSignal,
): Promise<number> {
  const started = performance.now();
  let wrote = false;
  const file = progressPath(dataDir, scale.name, null);
  let progress = ProgressFile.open(file, scale.name, 'local', false);
  const requests = fleetRequests(scale);
  if (progress.state.fleet.requestsDone.length < requests) {
    wrote = true;
    const fleetDone = new AbortController();
    signal?.addEventListener('abort', () => fleetDone.abort());
    await withProvisioningKey(bench, `bench seed --scale ${scale.name} (fleet)`, (apiKey) =>
      runSeed({
        url: bench.system.url,
        scale,
        credentials: { apiKey },
        progress,
        agentsDb: null,
        log,
        signal: fleetDone.signal,
        onStep: (phase, done) => {
          if (phase === 'fleet' && done >= requests) fleetDone.abort();
        },
      }).catch((error: unknown) => {
        if (signal?.aborted || progress.state.fleet.requestsDone.length < requests) throw error;
      }),
    );
    progress = ProgressFile.open(file, scale.name, 'local', false);
  }
  const { state } = progress;
  if (state.decisions.done < scale.decisions) {
    wrote = true;
    log(`decisions: writing ${scale.decisions - state.decisions.done} through the agents' store...`);
    await seedDecisions(
      bench.system.deps.mongo.db('agents'),
      {
        scaleName: scale.name,
        count: scale.decisions,
        days: Math.max(scale.readingDays, 1),
        anchor: new Date(state.anchor),
        from: state.decisions.done,
      },
      (count) => {
        state.decisions.done = count;
        progress.save();
      },
    );
  }
  // Nothing written: the data set is reused as it is.
  return wrote ? (performance.now() - started) / 1000 : 0;
}

/**
 * The system on the data set of `scale` in `dataDir` (its database in `dataDir`/db), seeded
 * first when it is not complete (`withoutReadings`: all but the telemetry histories). Telemetry
 * is kept for the seed's history plus a week, so that the retention job leaves the seeded
 * readings alone.
 */
export async function openSeededSystem(
  scale: SeedScale,
  dataDir: string,
  log: (line: string) => void,
  options: { signal?: AbortSignal; withoutReadings?: boolean } = {},
): Promise<SeededSystem> {
  const bench = await startBenchSystem(
    { TELEMETRY_RETENTION_DAYS: String(scale.readingDays + 7) },
    { dataDir, dbPrefix: datasetPrefix() },
  );
  try {
    const complete = existsSync(completeMarker(dataDir, scale));
    const withoutReadings = !complete && options.withoutReadings === true;
    if (withoutReadings) {
      log(`seeding scale ${scale.name} into ${dataDir} without its telemetry histories...`);
      const seconds = await seedWithoutReadings(bench, dataDir, scale, log, options.signal);
      return { bench, scale, dataDir, seeded: null, seedSeconds: seconds, withoutReadings };
    }
    if (!complete) log(`seeding scale ${scale.name} into ${dataDir} (resumable: stop and run again)...`);
    const { summary, seconds } = await seedInto(bench, dataDir, scale, log, options.signal);
    return { bench, scale, dataDir, seeded: summary, seedSeconds: seconds, withoutReadings };
  } catch (error) {
    await bench.stop();
    throw error;
  }
}

/** How many documents the collections the benchmarks read hold (from metadata, not a count). */
export async function census(bench: BenchSystem): Promise<Record<string, number>> {
  const { mongo } = bench.system.deps;
  const collections: [string, string, string][] = [
    ['users', 'identity', 'users'],
    ['auditEvents', 'identity', 'audit_events'],
    ['vehicles', 'vehicles', 'vehicles'],
    ['devices', 'vehicles', 'obd_devices'],
    ['readingBuckets', 'telemetry', 'reading_buckets'],
    ['dtcs', 'telemetry', 'dtcs'],
    ['alerts', 'health', 'alerts'],
    ['decisions', 'agents', 'decisions'],
  ];
  const counts = await Promise.all(
    collections.map(([, db, name]) => mongo.db(db).collection(name).estimatedDocumentCount()),
  );
  return Object.fromEntries(collections.map(([label], i) => [label, counts[i]!]));
}
