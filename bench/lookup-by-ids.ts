import { randomBytes, randomInt } from 'node:crypto';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { ObjectId, type Collection } from 'mongodb';
import { createLogger } from '../platform/logger.js';
import { connectMongo } from '../platform/mongo/connect.js';
import { mapBounded } from '../platform/async/map-bounded.js';
import { findManyById } from '../platform/mongo/find-many-by-id.js';
import { startBenchDatabase } from './lib/bench-database.js';
import { LatencyRecorder } from './lib/latency.js';
import { parseLookupOptions, type LookupOptions } from './lib/lookups/options.js';
import { failures, formatReport, IN_STRATEGY, type LookupCell, type LookupsReport } from './lib/lookups/report.js';
import { environment, round, saveReport } from './lib/report.js';
import { exitWith, reportFailures } from './lib/run-benchmark.js';

/*
 * Looking documents up by a batch of `_id`s: one `find({ _id: { $in } })` against one
 * `findOne({ _id })` per id (all at once, or a bounded number at a time), and what
 * `findManyById` (one `$in` per 500 ids, what the stores use), on collections of growing size:
 * an `$in` must stay an index search per id, as on MongoDB. Through the same pool settings as
 * the system (`connectMongo`). `npm run bench:lookups -- --quick` for a smoke run.
 */

/** Shaped like a vehicles document: an ObjectId `_id` and a few hundred bytes. */
interface VehicleLike {
  _id: ObjectId;
  ownerId: string;
  vin: string;
  vinInfo: { make: string; year: number; plant: string };
  make: string;
  model: string;
  year: number;
  createdAt: Date;
  updatedAt: Date;
  removedAt: null;
}

interface Strategy {
  name: string;
  find(ids: ObjectId[]): Promise<number>;
  /** Whether a call's time grows with the ids asked (one lookup each) or not (one scan). */
  perId(batch: number): boolean;
}

const SEED_BATCH = 1000;
/** Even a slow cell gets enough calls for its median to mean something. */
const MIN_CALLS = 3;

const found = (docs: readonly unknown[]) => docs.filter((d) => d !== null).length;

function strategies(vehicles: Collection<VehicleLike>, concurrencies: number[]): Strategy[] {
  const perId = () => true;
  return [
    {
      name: IN_STRATEGY,
      find: async (ids) => found(await vehicles.find({ _id: { $in: ids } }).toArray()),
      perId: () => false,
    },
    {
      name: 'findOne each, all at once',
      find: async (ids) => found(await Promise.all(ids.map((_id) => vehicles.findOne({ _id })))),
      perId,
    },
    ...concurrencies.map((concurrency) => ({
      name: `findOne each, ${concurrency} at a time`,
      find: async (ids: ObjectId[]) => found(await mapBounded(ids, concurrency, (_id) => vehicles.findOne({ _id }))),
      perId,
    })),
    {
      name: 'findManyById (as shipped)',
      find: async (ids) => found(await findManyById(vehicles, ids)),
      perId: () => false,
    },
  ];
}

function vehicleLike(i: number): VehicleLike {
  const now = new Date();
  return {
    _id: new ObjectId(),
    ownerId: new ObjectId().toHexString(),
    vin: `1HGCM82633A${String(i).padStart(6, '0')}`,
    vinInfo: { make: 'Honda', year: 2003, plant: 'Marysville' },
    make: 'Honda',
    model: 'Accord',
    year: 2003,
    createdAt: now,
    updatedAt: now,
    removedAt: null,
  };
}

async function seed(vehicles: Collection<VehicleLike>, ids: ObjectId[], upTo: number): Promise<number> {
  const started = performance.now();
  while (ids.length < upTo) {
    const docs = Array.from({ length: Math.min(SEED_BATCH, upTo - ids.length) }, (_, i) => vehicleLike(ids.length + i));
    await vehicles.insertMany(docs, { ordered: false });
    ids.push(...docs.map((d) => d._id));
  }
  return (performance.now() - started) / 1000;
}

/** `count` distinct ids of the collection, at random. */
function pick(ids: ObjectId[], count: number): ObjectId[] {
  const chosen = new Set<number>();
  while (chosen.size < count) chosen.add(randomInt(ids.length));
  return [...chosen].map((i) => ids[i]);
}

async function cell(strategy: Strategy, ids: ObjectId[], batch: number, millis: number) {
  await strategy.find(pick(ids, batch));
  const latency = new LatencyRecorder();
  let wrongAnswers = 0;
  let busy = 0;
  const deadline = performance.now() + millis;
  while (latency.size < MIN_CALLS || performance.now() < deadline) {
    const asked = pick(ids, batch);
    const start = performance.now();
    const answered = await strategy.find(asked);
    const took = performance.now() - start;
    latency.record(took);
    busy += took;
    if (answered !== batch) wrongAnswers++;
  }
  return { latencyMs: latency.summary(), callsPerSecond: round((latency.size / busy) * 1000, 1), wrongAnswers };
}

/** Each strategy over the batches, smallest first, until a call would take too long. */
async function cellsAt(docs: number, vehicles: Collection<VehicleLike>, ids: ObjectId[], options: LookupOptions) {
  const cells: LookupCell[] = [];
  for (const strategy of strategies(vehicles, options.concurrencies)) {
    let last: { batch: number; ms: number } | undefined;
    for (const batch of options.batches) {
      const at = { docs, ids: batch, strategy: strategy.name };
      const projectedMs = last && (strategy.perId(batch) ? (last.ms * batch) / last.batch : last.ms);
      if (projectedMs && projectedMs > options.maxCallMillis) {
        cells.push({ ...at, latencyMs: null, callsPerSecond: 0, wrongAnswers: 0 });
        continue;
      }
      const measured = await cell(strategy, ids, batch, options.millis);
      last = { batch, ms: measured.latencyMs.p50 };
      cells.push({ ...at, ...measured });
    }
  }
  return cells;
}

async function measure(vehicles: Collection<VehicleLike>, options: LookupOptions, database: string) {
  const startedAt = new Date().toISOString();
  const [loadAverage1m] = loadavg();
  const ids: ObjectId[] = [];
  const seedSeconds: Record<number, number> = {};
  const cells: LookupCell[] = [];
  for (const docs of options.docs) {
    console.log(`${docs.toLocaleString('en')} documents...`);
    seedSeconds[docs] = round(await seed(vehicles, ids, docs), 2);
    cells.push(...(await cellsAt(docs, vehicles, ids, options)));
  }
  const report: LookupsReport = {
    benchmark: 'lookups',
    startedAt,
    settings: options,
    environment: environment(database, loadAverage1m),
    seedSeconds,
    cells,
  };
  return report;
}

exitWith(async () => {
  const options = parseLookupOptions(process.argv.slice(2));
  console.log('starting the database...');
  const db = await startBenchDatabase();
  const mongo = await connectMongo({
    uri: db.uri,
    dbPrefix: `bench${randomBytes(5).toString('hex')}`,
    logger: createLogger({ level: 'silent', service: 'bench' }),
  }).catch(async (error: unknown) => {
    await db.stop();
    throw error;
  });
  const lookups = mongo.db('lookups');
  const stop = async () => {
    // On a shared server, leave nothing behind; a local one goes away with its folder.
    if (db.external) await lookups.dropDatabase();
    await mongo.close();
    await db.stop();
  };
  const interrupt = () => void stop().finally(() => process.exit(130));
  process.once('SIGINT', interrupt).once('SIGTERM', interrupt);
  try {
    const report = await measure(lookups.collection<VehicleLike>('vehicles'), options, db.database);
    console.log(`\n${formatReport(report)}\n\nsaved ${saveReport('lookups', report)}`);
    return reportFailures(failures(report));
  } finally {
    await stop();
  }
});
