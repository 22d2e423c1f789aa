import './lib/production-mode.js';
import 'reflect-metadata';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { LiveIngestDocument } from '../test/generated/graphql.js';
import type { BenchSystem } from './lib/bench-system.js';
import { childrenCpuSeconds, cpuSecondsSince, machineBusyCpuSeconds } from './lib/cpu.js';
import { bearerHeaders, internalHeaders, requestBody } from './lib/graphql-http.js';
import { settledMemorySnapshot } from './lib/memory.js';
import { environment } from './lib/report.js';
import { runSystemBenchmark } from './lib/run-benchmark.js';
import { settle } from './lib/settle.js';
import { login, seedSession, seedVehicle, type SeededVehicle, type Session } from './lib/seed.js';
import { pollingFrames } from './lib/telemetry/frames.js';
import type {
  ClientRequest,
  HttpRequestSpec,
  IngestLoadResult,
  LiveResult,
  SubscribeResult,
} from './lib/telemetry/messages.js';
import { parseTelemetryOptions, type LiveOptions, type TelemetryOptions } from './lib/telemetry/options.js';
import {
  failures,
  formatReport,
  ratioOf,
  type CpuShare,
  type IngestRun,
  type LivePath,
  type LiveTier,
  type TelemetryReport,
} from './lib/telemetry/report.js';
import {
  gatewayAudience,
  SHARED_SELECTION,
  SUBGRAPH_SELECTION,
  subgraphAudience,
  type LiveAudience,
} from './lib/telemetry/selections.js';
import { CpuTrend } from './lib/telemetry/cpu-trend.js';
import { deleteReadings, storedReadings } from './lib/telemetry/stored-readings.js';
import type { Worker } from './lib/worker.js';

/*
 * Telemetry at load: readings persisted per second, then the latency from an ingest call to
 * its event at 1, 100 and 1,000 subscribers, through the gateway and straight to the telemetry
 * subgraph, with the system's memory around each tier. `npm run bench:telemetry -- --quick`
 * for a smoke run; bench/README.md says what every figure means.
 */

type LoadWorker = Worker<ClientRequest>;

const ws = (httpUrl: string) => httpUrl.replace(/^http/, 'ws');

/** CPU time of the system (this process), the local database, the load process and anything else over `run`. */
async function withCpu<T extends { cpuSeconds: number }>(bench: BenchSystem, run: () => Promise<T>) {
  const databaseCpu = () => (bench.databasePid ? childrenCpuSeconds(bench.databasePid) : undefined);
  const [own, db, machine, wall] = [process.cpuUsage(), databaseCpu(), machineBusyCpuSeconds(), performance.now()];
  const result = await run();
  const wallSeconds = (performance.now() - wall) / 1000;
  const [dbAfter, machineAfter] = [databaseCpu(), machineBusyCpuSeconds()];
  const cores = (before?: number, after?: number) =>
    before === undefined || after === undefined ? null : (after - before) / wallSeconds;
  const systemCores = cpuSecondsSince(own) / wallSeconds;
  const databaseCores = cores(db, dbAfter);
  const loadGeneratorCores = result.cpuSeconds / wallSeconds;
  const machineCores = cores(machine, machineAfter);
  const otherCores =
    machineCores === null ? null : Math.max(0, machineCores - systemCores - (databaseCores ?? 0) - loadGeneratorCores);
  const cpu: CpuShare = { wallSeconds, systemCores, databaseCores, loadGeneratorCores, otherCores };
  return { result, cpu };
}

/** Lets the system catch up with the last load first (see settle.ts), saying so when that takes a while. */
async function settled(bench: BenchSystem): Promise<number | null> {
  const seconds = await settle(bench.databasePid);
  if (seconds === null || seconds > 5) console.log(`  (waited ${seconds ?? 'over 120'} s for the system to settle)`);
  return seconds;
}

async function ingestRun(
  bench: BenchSystem,
  worker: LoadWorker,
  path: string,
  vehicles: SeededVehicle[],
  target: (vehicle: SeededVehicle) => Omit<HttpRequestSpec, 'body'>,
  options: TelemetryOptions,
): Promise<IngestRun> {
  const frames = pollingFrames(options.ingest.framesPerBatch);
  const targets = vehicles.map((v) => ({
    ...target(v),
    body: requestBody(LiveIngestDocument, { vehicleId: v.vehicleId, frames }),
  }));
  const settledAfterSeconds = await settled(bench);
  console.log(`ingest via the ${path}: ${options.ingest.warmupSeconds + options.ingest.durationSeconds} s...`);
  const trend = new CpuTrend(bench.databasePid);
  trend.start();
  const { result: load, cpu } = await withCpu(bench, () =>
    worker.call<IngestLoadResult>({
      kind: 'ingest',
      settings: { ...options.ingest, targets, readingsPerBatch: frames.length },
    }),
  ).finally(() => trend.stop());
  const cpuPerReadingUs = trend.perReading(load.readingsBySecond, options.ingest.warmupSeconds, 10);
  const telemetryDb = bench.system.deps.mongo.db('telemetry');
  const vehicleIds = vehicles.map((v) => v.vehicleId);
  const stored = await storedReadings(telemetryDb, vehicleIds);
  await deleteReadings(telemetryDb, vehicleIds);
  const reportedStored = load.warmupReadingsStored + load.readingsStored;
  return {
    path,
    settledAfterSeconds,
    load,
    stored,
    reportedStored,
    verified: stored.points === reportedStored && stored.counted === reportedStored,
    persistedPerSecond: Math.min(stored.points - load.warmupReadingsStored, load.readingsStored) / load.elapsedSeconds,
    cpu,
    cpuPerReadingUs,
  };
}

/** Waits until the gateway has let go of every subscriber (or a few seconds have passed). */
async function gatewayDrained(bench: BenchSystem): Promise<void> {
  const deadline = Date.now() + 5000;
  while (bench.system.gateway.subscriptions.stats.subscribers > 0 && Date.now() < deadline) await sleep(50);
}

interface LiveRun {
  subscribers: number;
  viaGateway: boolean;
  owner: Session;
  admin: Session;
  /** A vehicle of its own: the events' writes cost the same in every tier (see README, FerretDB). */
  vehicle: SeededVehicle;
}

/** One tier on one path: subscribe, send the events, measure, unsubscribe. */
async function livePath(bench: BenchSystem, worker: LoadWorker, options: LiveOptions, run: LiveRun): Promise<LivePath> {
  const { vehicle, viaGateway } = run;
  const audience: LiveAudience = {
    vehicleId: vehicle.vehicleId,
    owner: { userId: run.owner.user.id, accessToken: run.owner.accessToken },
    adminAccessToken: run.admin.accessToken,
  };
  const groups = viaGateway
    ? gatewayAudience(run.subscribers, audience)
    : subgraphAudience(run.subscribers, audience, bench.config.INTERNAL_SECRET);
  const url = viaGateway ? bench.system.url : bench.subgraphUrl('telemetry');
  // Events enter the same way on both paths, so the paths differ only in how they are delivered.
  const ingest = { url: bench.system.url, headers: bearerHeaders(vehicle.deviceToken), vehicleId: vehicle.vehicleId };

  const settledAfterSeconds = await settled(bench);
  const before = settledMemorySnapshot();
  const connect = await worker.call<SubscribeResult>({ kind: 'subscribe', settings: { url: ws(url), groups } });
  const { result, cpu } = await withCpu(bench, () =>
    worker.call<LiveResult>({ kind: 'measure', settings: { ingest, ...options } }),
  );
  const { upstreams, groups: groupCount, subscribers } = bench.system.gateway.subscriptions.stats;
  const connected = settledMemorySnapshot();
  await worker.call<number>({ kind: 'unsubscribe' });
  await gatewayDrained(bench);
  await deleteReadings(bench.system.deps.mongo.db('telemetry'), [vehicle.vehicleId]);
  // Subgraph sockets close on their own schedule; give them a moment before measuring.
  await sleep(500);
  return {
    settledAfterSeconds,
    audience: groups.map(({ label, count }) => ({ label, count })),
    connect,
    result,
    gatewayStats: viaGateway ? { upstreams, groups: groupCount, subscribers } : undefined,
    cpu,
    memory: { before, connected, after: settledMemorySnapshot() },
  };
}

async function measure(bench: BenchSystem, worker: LoadWorker, options: TelemetryOptions): Promise<TelemetryReport> {
  const startedAt = new Date().toISOString();
  const gatewayUrl = bench.system.url;
  const telemetryUrl = bench.subgraphUrl('telemetry');
  const secret = bench.config.INTERNAL_SECRET;

  console.log('seeding users, vehicles and devices...');
  const owner: Session = await seedSession(gatewayUrl);
  const admin = await login(gatewayUrl, bench.config.ADMIN_EMAIL!, bench.config.ADMIN_PASSWORD!);
  const fleet = async (n: number) => {
    const vehicles: SeededVehicle[] = [];
    for (let i = 0; i < n; i++) vehicles.push(await seedVehicle(gatewayUrl, owner));
    return vehicles;
  };
  const { paths } = options.ingest;
  const [viaGateway, viaSubgraph, liveVehicles] = [
    paths.includes('gateway') ? await fleet(options.ingest.vehicles) : [],
    paths.includes('subgraph') ? await fleet(options.ingest.vehicles) : [],
    await fleet(2 * (options.live?.subscriberCounts.length ?? 0)),
  ];
  const start = settledMemorySnapshot();
  const [loadAverage1m] = loadavg();

  // Latency first: ingest leaves data in other subgraphs' collections (health's, fed by the
  // telemetry stream) that this benchmark does not own, and on FerretDB every later write pays
  // for it (see README). Each tier then starts from the same, nearly empty database.
  const tiers: LiveTier[] = [];
  const live = options.live;
  for (const subscribers of live?.subscriberCounts ?? []) {
    console.log(`${subscribers} subscribers via the gateway, then straight to the subgraph...`);
    const run = { subscribers, owner, admin };
    const gateway = await livePath(bench, worker, live!, { ...run, viaGateway: true, vehicle: liveVehicles.pop()! });
    const subgraph = await livePath(bench, worker, live!, {
      ...run,
      viaGateway: false,
      vehicle: liveVehicles.pop()!,
    });
    tiers.push({ subscribers, gateway, subgraph, ratio: ratioOf(gateway.result, subgraph.result) });
  }

  const ingest: IngestRun[] = [];
  if (paths.includes('gateway')) {
    ingest.push(
      await ingestRun(
        bench,
        worker,
        'gateway',
        viaGateway,
        (v) => ({ url: gatewayUrl, headers: bearerHeaders(v.deviceToken) }),
        options,
      ),
    );
  }
  if (paths.includes('subgraph')) {
    ingest.push(
      await ingestRun(
        bench,
        worker,
        'telemetry subgraph',
        viaSubgraph,
        (v) => ({
          url: telemetryUrl,
          headers: internalHeaders(secret, { kind: 'device', deviceId: v.deviceId, vehicleId: v.vehicleId }),
        }),
        options,
      ),
    );
  }
  await settled(bench);

  return {
    benchmark: 'telemetry',
    startedAt,
    settings: options,
    environment: environment(bench.database, loadAverage1m),
    ingest,
    live: { selections: { shared: SHARED_SELECTION, subgraph: SUBGRAPH_SELECTION }, tiers },
    memory: { start, end: settledMemorySnapshot() },
  };
}

runSystemBenchmark({
  name: 'telemetry',
  parseOptions: parseTelemetryOptions,
  loadProcess: 'bench/lib/telemetry/client-process.ts',
  measure,
  formatReport,
  failures,
});
