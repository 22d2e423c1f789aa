import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { MongoClient, ObjectId, type Collection } from 'mongodb';
import { startBenchDatabase, type BenchDatabase } from './lib/bench-database.js';
import { LatencyRecorder } from './lib/latency.js';
import { environment, round, saveReport } from './lib/report.js';
import { exitWith, reportFailures } from './lib/run-benchmark.js';
import { parseStorageOptions, type StorageOptions } from './lib/storage/options.js';
import { failures, formatReport, type StorageCell, type StorageReport } from './lib/storage/report.js';

/*
 * The queries stores make, on one growing collection with the indexes a store would declare:
 * equality, compound equality, `$in` of 100 ids, a range with a limit, the latest 20, the newest
 * page by `_id` (a paginated list without a filter), the newest page of a status by time with
 * `_id` breaking ties (a keyset page), and a count of a status.
 * Served from indexes, each costs about the same at 100,000 documents as at 10,000; read by
 * scanning, it grows with the collection. Measured on the database under test (the patched
 * FerretDB, or MONGODB_URI) and, in the same run, on upstream FerretDB 1.24.2's SQLite build as
 * the baseline (built on demand by `scripts/install-ferretdb.sh --stock`).
 * `npm run bench:storage -- --quick` for a smoke run.
 */

const STATUSES = ['open', 'acknowledged', 'resolved', 'snoozed'] as const;
/** Documents per owner, so that an owner's query returns as many at every size. */
const PER_OWNER = 5;
const SEED_BATCH = 1000;
const T0 = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;
/** A call slower than this is its own warm-up: the figure is kept, and the cell is not repeated for nothing. */
const SLOW_MS = 1000;

/** Shaped like an alert: who it is for, its state, when, and a few hundred bytes more. */
interface AlertLike {
  _id: ObjectId;
  ownerId: string;
  vehicleId: string;
  status: (typeof STATUSES)[number];
  createdAt: Date;
  code: string;
  message: string;
  details: { severity: string; odometerKm: number; readings: number[] };
}

const ownerOf = (i: number) => `owner-${Math.floor(i / PER_OWNER)}`;
const statusOf = (i: number) => STATUSES[(i * 7) % STATUSES.length];
const createdAt = (i: number) => new Date(T0 + i * MINUTE);
/** ObjectIds grow with the document's number, as they grow with time. */
const idOf = (i: number) => ObjectId.createFromTime(T0 / 1000 + i);
/** The first of four documents in a row with each status. */
const firstWith = (status: (typeof STATUSES)[number]) => [0, 1, 2, 3].find((i) => statusOf(i) === status)!;

function alertLike(i: number): AlertLike {
  return {
    _id: idOf(i),
    ownerId: ownerOf(i),
    vehicleId: `vehicle-${Math.floor(i / PER_OWNER)}`,
    status: statusOf(i),
    createdAt: createdAt(i),
    code: `P0${100 + (i % 900)}`,
    message: 'Engine coolant temperature above the expected range for the current load',
    details: { severity: 'warning', odometerKm: 10_000 + i, readings: [88, 91, 97, 104, 109, 112] },
  };
}

const INDEXES = [{ ownerId: 1, status: 1 }, { createdAt: -1 }, { status: 1, createdAt: -1, _id: -1 }] as const;

interface Query {
  name: string;
  /** Its answer grows with the collection (a count of a quarter of it), on any database: not held to the growth limit. */
  growsWithMatches?: boolean;
  /** One call, with fresh random arguments; whether its answer was the expected one, and its size. */
  run(alerts: Collection<AlertLike>, ids: ObjectId[]): Promise<{ ok: boolean; returned: number }>;
}

const randomInt = (n: number) => Math.floor(Math.random() * n);

const QUERIES: Query[] = [
  {
    name: 'find({ ownerId })',
    async run(alerts, ids) {
      const owner = randomInt(ids.length / PER_OWNER);
      const docs = await alerts.find({ ownerId: `owner-${owner}` }).toArray();
      return { ok: docs.length === PER_OWNER, returned: docs.length };
    },
  },
  {
    name: 'find({ ownerId, status })',
    async run(alerts, ids) {
      const owner = randomInt(ids.length / PER_OWNER);
      const status = statusOf(owner * PER_OWNER + randomInt(PER_OWNER));
      const docs = await alerts.find({ ownerId: `owner-${owner}`, status }).toArray();
      const expected = Array.from({ length: PER_OWNER }, (_, k) => statusOf(owner * PER_OWNER + k)).filter(
        (s) => s === status,
      ).length;
      return { ok: docs.length === expected && docs.every((d) => d.status === status), returned: docs.length };
    },
  },
  {
    name: 'find({ _id: { $in: 100 ids } })',
    async run(alerts, ids) {
      const asked = new Set<ObjectId>();
      while (asked.size < 100) asked.add(ids[randomInt(ids.length)]);
      const docs = await alerts.find({ _id: { $in: [...asked] } }).toArray();
      return { ok: docs.length === 100, returned: docs.length };
    },
  },
  {
    name: 'find({ createdAt: { $gte } }).limit(20)',
    async run(alerts, ids) {
      const from = createdAt(randomInt(ids.length - 20));
      const docs = await alerts
        .find({ createdAt: { $gte: from } })
        .limit(20)
        .toArray();
      return { ok: docs.length === 20 && docs.every((d) => d.createdAt >= from), returned: docs.length };
    },
  },
  {
    name: 'find().sort({ createdAt: -1 }).limit(20)',
    async run(alerts, ids) {
      const docs = await alerts.find({}).sort({ createdAt: -1 }).limit(20).toArray();
      const latest = ids.slice(-20).reverse();
      return { ok: docs.every((d, k) => d._id.equals(latest[k])) && docs.length === 20, returned: docs.length };
    },
  },
  {
    name: 'find().sort({ _id: -1 }).limit(21)',
    async run(alerts, ids) {
      const docs = await alerts.find({}).sort({ _id: -1 }).limit(21).toArray();
      const newest = ids.slice(-21).reverse();
      return { ok: docs.length === 21 && docs.every((d, k) => d._id.equals(newest[k])), returned: docs.length };
    },
  },
  {
    name: 'find({ status }).sort({ createdAt: -1, _id: -1 }).limit(20)',
    async run(alerts, ids) {
      const status = STATUSES[randomInt(STATUSES.length)];
      const docs = await alerts.find({ status }).sort({ createdAt: -1, _id: -1 }).limit(20).toArray();
      // Every fourth document has the status: the last of them first.
      const last = ids.length - 1 - ((ids.length - 1 - firstWith(status)) % 4);
      const newest = Array.from({ length: 20 }, (_, k) => ids[last - 4 * k]);
      return { ok: docs.length === 20 && docs.every((d, k) => d._id.equals(newest[k])), returned: docs.length };
    },
  },
  {
    name: 'countDocuments({ status })',
    growsWithMatches: true,
    async run(alerts, ids) {
      const status = STATUSES[randomInt(STATUSES.length)];
      const n = await alerts.countDocuments({ status });
      return { ok: n === Math.ceil((ids.length - firstWith(status)) / 4), returned: n };
    },
  },
];

async function seed(alerts: Collection<AlertLike>, ids: ObjectId[], upTo: number): Promise<number> {
  const started = performance.now();
  while (ids.length < upTo) {
    const docs = Array.from({ length: Math.min(SEED_BATCH, upTo - ids.length) }, (_, k) => alertLike(ids.length + k));
    await alerts.insertMany(docs);
    ids.push(...docs.map((d) => d._id));
  }
  return (performance.now() - started) / 1000;
}

async function cell(query: Query, alerts: Collection<AlertLike>, ids: ObjectId[], options: StorageOptions) {
  const latency = new LatencyRecorder();
  let wrongAnswers = 0;
  let returned = 0;
  const call = async () => {
    const start = performance.now();
    const answer = await query.run(alerts, ids);
    const took = performance.now() - start;
    if (!answer.ok) wrongAnswers++;
    returned = answer.returned;
    return took;
  };
  const warmUp = await call();
  if (warmUp > SLOW_MS) latency.record(warmUp);
  const deadline = performance.now() + options.millis;
  while (latency.size < options.minCalls || performance.now() < deadline) latency.record(await call());
  return { latencyMs: latency.summary(), returned, wrongAnswers };
}

async function measure(label: string, db: BenchDatabase, options: StorageOptions, report: StorageReport) {
  const client = await MongoClient.connect(db.uri);
  const database = client.db(`bench_storage_${new ObjectId().toHexString()}`);
  try {
    const alerts = database.collection<AlertLike>('alerts');
    for (const key of INDEXES) await alerts.createIndex({ ...key });
    const ids: ObjectId[] = [];
    report.seedSeconds[label] = {};
    for (const docs of options.docs) {
      console.log(`${label}: ${docs.toLocaleString('en')} documents...`);
      report.seedSeconds[label][docs] = round(await seed(alerts, ids, docs), 2);
      for (const query of QUERIES) {
        const measured: StorageCell = {
          database: label,
          docs,
          query: query.name,
          ...(await cell(query, alerts, ids, options)),
        };
        report.cells.push(measured);
      }
    }
  } finally {
    // On a shared server, leave nothing behind; a local one goes away with its folder.
    if (db.external) await database.dropDatabase();
    await client.close();
  }
}

const version = (bin: string) =>
  execFileSync(bin, ['--version'], { encoding: 'utf8' }).split('\n')[0].replace('version: ', '');

function stockBuild(): string {
  const bin = path.resolve('.tools/ferretdb-stock/ferretdb');
  const built = spawnSync('bash', ['scripts/install-ferretdb.sh', '--stock'], { stdio: 'inherit' });
  if (built.status !== 0 || !existsSync(bin))
    throw new Error('could not build upstream FerretDB (or run with --no-stock)');
  return bin;
}

exitWith(async () => {
  const options = parseStorageOptions(process.argv.slice(2));
  const [loadAverage1m] = loadavg();
  const report: StorageReport = {
    benchmark: 'storage',
    startedAt: new Date().toISOString(),
    settings: options,
    environment: environment('', loadAverage1m),
    databases: [],
    seedSeconds: {},
    cells: [],
    growsWithMatches: QUERIES.filter((q) => q.growsWithMatches).map((q) => q.name),
  };
  const targets: { start: () => Promise<BenchDatabase>; label: (db: BenchDatabase) => string }[] = [
    {
      start: () => startBenchDatabase(),
      label: (db) =>
        db.external
          ? 'MONGODB_URI'
          : db.database === 'ferretdb'
            ? `FerretDB ${version('.tools/bin/ferretdb')}`
            : db.database,
    },
  ];
  if (options.stock) {
    const bin = stockBuild();
    const label = `FerretDB ${version(bin)} (upstream)`;
    targets.push({ start: () => startBenchDatabase({ ferretdb: bin, label }), label: () => label });
  }
  for (const target of targets) {
    console.log('starting the database...');
    const db = await target.start();
    const label = target.label(db);
    report.databases.push(label);
    const interrupt = () => void db.stop().finally(() => process.exit(130));
    process.once('SIGINT', interrupt).once('SIGTERM', interrupt);
    try {
      await measure(label, db, options, report);
    } finally {
      process.off('SIGINT', interrupt).off('SIGTERM', interrupt);
      await db.stop();
    }
  }
  report.environment.database = report.databases.join(' vs ');
  console.log(`\n${formatReport(report)}\n\nsaved ${saveReport('storage', report)}`);
  return reportFailures(failures(report));
});
