import './lib/production-mode.js';
import 'reflect-metadata';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdirSync, openSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectMongo } from '../platform/mongo/connect.js';
import { createLogger } from '../platform/logger.js';
import { Authorizer, credentialsFrom, type FleetCredentials } from '../scripts/fleet/credentials.js';
import { assignFaults } from '../scripts/simulator/faults.js';
import { Limiter } from '../scripts/simulator/limiter.js';
import { validateOptions, type SimulationSettings } from '../scripts/simulator/options.js';
import { createRandom } from '../scripts/simulator/random.js';
import { DEFAULT_RETRY_POLICY } from '../scripts/simulator/retry.js';
import { DEFAULT_FLUSH_GRACE_SECONDS, drive } from '../scripts/simulator/run-simulation.js';
import { setUpFleet, type SimulatedVehicle } from '../scripts/simulator/setup.js';
import { SimulationStats, summarizeLatencies } from '../scripts/simulator/stats.js';
import { cpuSecondsSince } from './lib/cpu.js';
import type { CommandFigures } from './lib/fleet/command-tally.js';
import type { StepFigures } from './lib/fleet/ingest-steps.js';
import type { StoredReadings, SystemRequest, SystemSample, SystemStarted } from './lib/fleet/messages.js';
import { parseFleetOptions, type FleetOptions } from './lib/fleet/options.js';
import { formatReport, formatWindows, judge, type FleetReport, type FleetWindow } from './lib/fleet/report.js';
import { environment, saveReport } from './lib/report.js';
import { exitWith } from './lib/run-benchmark.js';
import { storedReadings } from './lib/telemetry/stored-readings.js';
import { startWorker, type Worker } from './lib/worker.js';

/*
 * The headline check of issue #10: a fleet of simulated dongles (the simulator's own, see
 * scripts/simulator), each polling at --hz and uploading every round with its device token
 * through the gateway, against the embedded system in a process of its own (or --url). Prints
 * the figures per minute and judges the run against the goals. bench/README.md explains it.
 */

type System = Worker<SystemRequest>;

/**
 * The stack as `npm start` runs it (rate limits, batch limit, in-process bus, local FerretDB),
 * configured as in production. The bench system raises every rate limit for its own loads;
 * these put the per-caller ones back to their defaults, so every dongle is limited as in
 * production. Only sign-in stays raised, as for the simulator's set-up.
 */
const DEFAULT_STACK: Record<string, string> = {
  RATE_LIMIT_API_PER_MINUTE: '1200',
  RATE_LIMIT_INGEST_PER_MINUTE: '1200',
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: '300',
  // Production keeps /metrics closed without one; the bench reads where uploads' time went there.
  METRICS_TOKEN: randomBytes(24).toString('hex'),
};

/** Below this many cores the system and the database count as idle (see bench/lib/settle.ts). */
const IDLE_CORES = 0.15;

async function startSystem(
  options: FleetOptions,
  logFile: string,
): Promise<{ system: System; started: SystemStarted }> {
  const nodeFlags: string[] = [];
  if (options.cpuProfileDir) {
    mkdirSync(options.cpuProfileDir, { recursive: true });
    nodeFlags.push('--cpu-prof', `--cpu-prof-dir=${path.resolve(options.cpuProfileDir)}`);
  }
  // The system logs what its agents decide (they raise the log level when errors climb): to a
  // file of its own, so that the figures stay readable.
  mkdirSync(path.dirname(logFile), { recursive: true });
  const system = startWorker<SystemRequest>('bench/lib/fleet/system-process.ts', {
    nodeFlags,
    output: openSync(logFile, 'a'),
  });
  const started = await system.call<SystemStarted>({
    kind: 'start',
    overrides: DEFAULT_STACK,
    monitorCommands: options.dbCommands,
  });
  return { system, started };
}

/** Waits for the system process and the database to fall idle: the pipelines fed by ingest have caught up. */
async function settled(system: System, timeoutSeconds = 120): Promise<number | null> {
  const started = performance.now();
  await system.call<SystemSample>({ kind: 'sample' });
  let quiet = 0;
  while (performance.now() - started < timeoutSeconds * 1000) {
    await sleep(1000);
    const s = await system.call<SystemSample>({ kind: 'sample' });
    quiet = s.systemCores < IDLE_CORES && (s.databaseCores ?? 0) < IDLE_CORES ? quiet + 1 : 0;
    // The quiet seconds themselves are not part of the catching up.
    if (quiet === 2) return Math.round((performance.now() - started) / 100) / 10 - 2;
  }
  return null;
}

/** Readings of the fleet in an existing stack's database (MONGODB_URI), or null without one. */
async function countExternal(vehicleIds: string[]): Promise<StoredReadings | null> {
  const uri = process.env.MONGODB_URI;
  if (!uri) return null;
  const logger = createLogger({ level: 'silent', service: 'bench' });
  const mongo = await connectMongo({ uri, dbPrefix: process.env.MONGODB_DB_PREFIX ?? 'clutch', logger });
  try {
    return await storedReadings(mongo.db('telemetry'), vehicleIds);
  } finally {
    await mongo.close();
  }
}

async function provision(url: string, credentials: FleetCredentials, options: FleetOptions) {
  const ctx = { url, limiter: new Limiter(4), policy: DEFAULT_RETRY_POLICY };
  const root = createRandom(options.seed);
  return setUpFleet(ctx, new Authorizer(ctx, credentials), {
    runId: randomBytes(3).toString('hex'),
    faults: assignFaults([], options.vehicles, root.fork('faults')),
    // VINs from an unseeded source, as the simulator draws them: runs never collide.
    identities: createRandom(randomInt(2 ** 31)),
  });
}

/** Streams every vehicle for the duration, one row of figures per window. */
async function stream(url: string, vehicles: SimulatedVehicle[], options: FleetOptions, system: System | undefined) {
  // The simulator's settings, but for a fleet of any size: drive() reads hz, vehicles, duration,
  // batch and the upload interval.
  const settings: SimulationSettings = {
    ...validateOptions({
      hz: options.hz,
      durationSeconds: options.durationSeconds,
      uploadEverySeconds: options.uploadEverySeconds ?? undefined,
      seed: options.seed,
      apiKey: '-',
    }),
    vehicles: vehicles.length,
  };
  const root = createRandom(options.seed);
  const stats = new SimulationStats();
  const giveUp = new AbortController();
  // Each dongle is a device of its own: no limit on uploads in flight but the fleet's size.
  const send = {
    url,
    limiter: new Limiter(vehicles.length),
    policy: DEFAULT_RETRY_POLICY,
    stats,
    signal: giveUp.signal,
  };
  const windows: FleetWindow[] = [];
  let cpu = process.cpuUsage();
  const startedAt = Date.now();
  let windowStarted = startedAt;
  // Requests answered while the fleet streams, apart from the last uploads after the end (each
  // dongle's remainder, at its own upload time: see drive): the goal is judged over the whole
  // run, this is printed beside it so that the two can be told apart.
  const streaming: number[] = [];
  const countRequest = stats.request.bind(stats);
  stats.request = (ms: number) => {
    if (Date.now() - startedAt <= options.durationSeconds * 1000) streaming.push(ms);
    countRequest(ms);
  };
  const takeWindow = async (full: boolean) => {
    const sample = system ? await system.call<SystemSample>({ kind: 'sample' }) : null;
    const dongles = stats.takeWindow();
    const now = Date.now();
    const window: FleetWindow = {
      endSeconds: (now - startedAt) / 1000,
      full,
      dongles,
      loadCores: cpuSecondsSince(cpu) / ((now - windowStarted) / 1000),
      system: sample,
      loadAverage1m: loadavg()[0],
    };
    cpu = process.cpuUsage();
    windowStarted = now;
    windows.push(window);
    const table = formatWindows(windows).split('\n');
    if (windows.length === 1) console.log(table[0]);
    console.log(table[table.length - 1]);
  };
  if (system) await system.call<SystemSample>({ kind: 'sample' }); // starts the system's first window now
  let ticking = Promise.resolve();
  const ticker = setInterval(() => {
    // Only whole windows of streaming: the last one may be cut short by the end.
    if (Date.now() - startedAt <= options.durationSeconds * 1000 + 500) ticking = ticking.then(() => takeWindow(true));
  }, options.windowSeconds * 1000);
  // The last uploads go at each dongle's own time, up to an interval after the end (see drive).
  const lastUploadSeconds = options.durationSeconds + (options.uploadEverySeconds ?? 0);
  const graceTimer = setTimeout(() => giveUp.abort(), (lastUploadSeconds + DEFAULT_FLUSH_GRACE_SECONDS) * 1000);
  const never = new AbortController().signal;
  try {
    await Promise.all(vehicles.map((vehicle) => drive(vehicle, root, settings, send, startedAt, never)));
  } finally {
    clearInterval(ticker);
    clearTimeout(graceTimer);
  }
  await ticking;
  const tailMs = Date.now() - windowStarted;
  const endsInWindow = options.durationSeconds % options.windowSeconds !== 0;
  if (tailMs > 1000 || endsInWindow) await takeWindow(false);
  return { windows, totals: stats.totals(), streaming: { count: streaming.length, ...summarizeLatencies(streaming) } };
}

async function main(): Promise<number> {
  const options = parseFleetOptions(process.argv.slice(2));
  const startedAt = new Date().toISOString();
  const [loadAverage1m] = loadavg();
  let system: System | undefined;
  const stop = async () => {
    if (!system) return;
    await system.call({ kind: 'stop' }).catch(() => undefined);
    await system.stop();
    system = undefined;
  };
  const interrupt = () => void stop().finally(() => process.exit(130));
  process.once('SIGINT', interrupt).once('SIGTERM', interrupt);
  try {
    let url: string;
    let credentials: FleetCredentials;
    let database = 'external (--url)';
    if (options.url) {
      url = options.url;
      credentials = credentialsFrom({ apiKey: options.apiKey ?? undefined });
    } else {
      const logFile = path.resolve(`bench/results/fleet-${startedAt.replace(/[:.]/g, '-')}-system.log`);
      console.log(`starting the database and the system in a process of their own (its log: ${logFile})...`);
      const started = await startSystem(options, logFile);
      system = started.system;
      url = started.started.url;
      database = started.started.database;
      credentials = { email: started.started.adminEmail, password: started.started.adminPassword };
    }

    console.log(`provisioning ${options.vehicles} vehicles through provisionFleet...`);
    const setupStarted = performance.now();
    const vehicles = await provision(url, credentials, options);
    const setupSeconds = (performance.now() - setupStarted) / 1000;
    const uploads = options.uploadEverySeconds
      ? `uploading every ${options.uploadEverySeconds} s (ingestObdRounds)`
      : 'uploading every round (ingestObdFrames)';
    console.log(
      `streaming ${vehicles.length} dongles at ${options.hz} Hz, ${uploads}, for ${options.durationSeconds} s (seed ${options.seed}), ` +
        `a row every ${options.windowSeconds} s...`,
    );
    const { windows, totals, streaming } = await stream(url, vehicles, options, system);

    console.log('waiting for the system to fall idle, then counting the readings stored...');
    const settledAfterSeconds = system ? await settled(system) : null;
    const vehicleIds = vehicles.map((v) => v.vehicleId);
    const stored = system
      ? await system.call<StoredReadings>({ kind: 'count-readings', vehicleIds })
      : await countExternal(vehicleIds);
    const statements =
      system && options.dbCommands ? await system.call<CommandFigures[]>({ kind: 'commands', top: 20 }) : null;
    const steps = system ? await system.call<StepFigures[]>({ kind: 'steps' }) : null;

    const partial: Omit<FleetReport, 'checks'> = {
      benchmark: 'fleet',
      startedAt,
      settings: options,
      environment: environment(database, loadAverage1m),
      setupSeconds,
      windows,
      totals,
      settledAfterSeconds,
      stored,
      statements,
      steps,
    };
    const report: FleetReport = { ...partial, checks: judge(partial) };
    await stop();
    console.log(`\n${formatReport(report)}\n\nsaved ${saveReport('fleet', report)}`);
    console.log(
      `ingest while streaming, without the last uploads after the end: ${streaming.count} requests, ` +
        `p50 ${streaming.p50} ms, p95 ${streaming.p95} ms, p99 ${streaming.p99} ms`,
    );
    if (options.cpuProfileDir) console.log(`CPU profile of the system process in ${options.cpuProfileDir}/`);
    return report.checks.every((c) => c.pass) ? 0 : 1;
  } finally {
    await stop();
  }
}

exitWith(main);
