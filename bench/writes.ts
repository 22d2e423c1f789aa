import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { MongoClient, type Db } from 'mongodb';
import { startBenchDatabase } from './lib/bench-database.js';
import { childrenCpuSeconds } from './lib/cpu.js';
import { LatencyRecorder, type LatencySummary } from './lib/latency.js';
import { environment, fixed, round, saveReport, table, times } from './lib/report.js';
import { exitWith } from './lib/run-benchmark.js';

/*
 * Concurrent writers on one database file of the embedded FerretDB, as ingest writes: each
 * upload upserts a reading bucket (`$push` by `_id`) and the vehicle's latest readings (`$set`
 * by `_id`), and inserts a claim. Run twice in one go on fresh databases: with the build's write
 * queue (writers wait for each other in Go) and without it (`CLUTCH_SQLITE_WRITE_QUEUE=off`:
 * SQLite's busy handler, the upstream behaviour), so that the result is a ratio.
 * `npm run bench:writes -- --writers 16 --seconds 15`.
 */

interface Options {
  writers: number;
  seconds: number;
  vehicles: number;
}

interface Run {
  variant: string;
  uploads: number;
  uploadsPerSecond: number;
  latencyMs: LatencySummary;
  dbCores: number | null;
  dbRssMb: number | null;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: { writers: { type: 'string' }, seconds: { type: 'string' }, vehicles: { type: 'string' } },
  });
  const whole = (name: string, raw: string | undefined, fallback: number, max: number) => {
    const n = raw === undefined ? fallback : Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`--${name} must be a whole number from 1 to ${max}`);
    return n;
  };
  return {
    writers: whole('writers', values.writers, 16, 256),
    seconds: whole('seconds', values.seconds, 15, 600),
    vehicles: whole('vehicles', values.vehicles, 200, 100_000),
  };
}

/** Resident memory of the database server (the watchdog's children), from /proc. */
function childRssMb(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const out = execFileSync('ps', ['-o', 'rss=', '--ppid', String(pid)], { encoding: 'utf8' });
    return round(out.split('\n').reduce((sum, line) => sum + (Number(line.trim()) || 0), 0) / 1024, 1);
  } catch {
    return null;
  }
}

async function upload(db: Db, vehicle: number, n: number): Promise<void> {
  const vehicleId = `vehicle-${vehicle}`;
  const now = new Date();
  const readings = Array.from({ length: 8 }, (_, i) => ({
    pid: i.toString(16).padStart(2, '0'),
    value: n + i,
    at: now,
  }));
  await db.collection('claims').insertOne({ _id: `${vehicleId}:${n}` as never, at: now });
  await Promise.all([
    db
      .collection<{ _id: string }>('buckets')
      .updateOne(
        { _id: `${vehicleId}:${Math.floor(n / 200)}` },
        { $push: { readings: { $each: readings } } as never, $inc: { count: readings.length } },
        { upsert: true },
      ),
    db
      .collection<{ _id: string }>('latest')
      .updateOne({ _id: vehicleId }, { $set: { readings, at: now } }, { upsert: true }),
  ]);
}

async function measure(variant: string, queue: boolean, options: Options): Promise<Run> {
  const previous = process.env.CLUTCH_SQLITE_WRITE_QUEUE;
  process.env.CLUTCH_SQLITE_WRITE_QUEUE = queue ? 'on' : 'off';
  const database = await startBenchDatabase({ ferretdb: '.tools/bin/ferretdb', label: variant });
  if (previous === undefined) delete process.env.CLUTCH_SQLITE_WRITE_QUEUE;
  else process.env.CLUTCH_SQLITE_WRITE_QUEUE = previous;
  const client = await MongoClient.connect(database.uri, { maxPoolSize: options.writers + 4 });
  try {
    const db = client.db('writes');
    // Warm-up: create the collections (a first write creates the table) outside the timing.
    await upload(db, 0, 0);
    const latency = new LatencyRecorder();
    const counters = Array.from({ length: options.vehicles }, () => 1);
    let uploads = 0;
    const cpuBefore = database.pid === undefined ? undefined : childrenCpuSeconds(database.pid);
    const started = performance.now();
    const deadline = started + options.seconds * 1000;
    await Promise.all(
      Array.from({ length: options.writers }, async (_, w) => {
        for (let i = w; performance.now() < deadline; i += options.writers) {
          const vehicle = i % options.vehicles;
          const t0 = performance.now();
          await upload(db, vehicle, counters[vehicle]++);
          latency.record(performance.now() - t0);
          uploads++;
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    const cpuAfter = database.pid === undefined ? undefined : childrenCpuSeconds(database.pid);
    return {
      variant,
      uploads,
      uploadsPerSecond: round(uploads / elapsed, 1),
      latencyMs: latency.summary(),
      dbCores: cpuBefore === undefined || cpuAfter === undefined ? null : round((cpuAfter - cpuBefore) / elapsed, 2),
      dbRssMb: childRssMb(database.pid),
    };
  } finally {
    await client.close();
    await database.stop();
  }
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const startedAt = new Date().toISOString();
  const load = loadavg()[0];
  const runs = [await measure('write queue', true, options), await measure('busy handler (upstream)', false, options)];
  const [queued, baseline] = runs;
  console.log(
    `${options.writers} writers, ${options.seconds} s each, ${options.vehicles} vehicles; an upload = claim insert, then bucket $push and latest $set at once\n`,
  );
  console.log(
    table([
      ['variant', 'uploads/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'db cores', 'db RSS MB'],
      ...runs.map((r) => [
        r.variant,
        fixed(r.uploadsPerSecond),
        fixed(r.latencyMs.p50, 1),
        fixed(r.latencyMs.p95, 1),
        fixed(r.latencyMs.p99, 1),
        fixed(r.latencyMs.max, 1),
        r.dbCores === null ? '-' : fixed(r.dbCores, 2),
        r.dbRssMb === null ? '-' : fixed(r.dbRssMb),
      ]),
    ]),
  );
  console.log(
    `\nwrite queue / busy handler: throughput ${times(queued.uploadsPerSecond / baseline.uploadsPerSecond)}, p95 ${times(queued.latencyMs.p95 / baseline.latencyMs.p95)}`,
  );
  console.log(`load average (1 min) before the run: ${fixed(load, 2)}`);
  const report = { startedAt, environment: environment('ferretdb', load), options, runs };
  const file = saveReport('writes', report);
  console.log(`report: ${file}`);
  return 0;
}

exitWith(main);
