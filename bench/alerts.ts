import './lib/production-mode.js';
import 'reflect-metadata';
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchSystem } from './lib/bench-system.js';
import { measureDrain } from './lib/alerts/consumer-drain.js';
import { directLatency, sendDirectProbes } from './lib/alerts/direct-probes.js';
import { measureEngine } from './lib/alerts/engine.js';
import type { ClientRequest, LatencyResult, Target } from './lib/alerts/messages.js';
import { parseAlertsOptions, type AlertsOptions } from './lib/alerts/options.js';
import { failures, formatReport, type AlertsReport } from './lib/alerts/report.js';
import { environment } from './lib/report.js';
import { runSystemBenchmark } from './lib/run-benchmark.js';
import { login, seedSession, seedVehicle, type Session } from './lib/seed.js';
import type { Worker } from './lib/worker.js';

/*
 * Health alerts at fleet scale: rule evaluations per second (the rule engine alone, then the
 * health consumer draining a backlog into its database), and the latency from a telemetry upload
 * to its alert at a gateway subscriber while 1,000 vehicles upload. `npm run bench:alerts -- --quick`
 * for a smoke run; bench/README.md says what every figure means.
 */

/** The vehicles subgraph's default cap per owner. */
const VEHICLES_PER_OWNER = 50;
const SEED_CONCURRENCY = 16;
const WARMUP_VEHICLES = 5;

async function seedFleet(gatewayUrl: string, count: number): Promise<Target[]> {
  const owners: Session[] = [];
  for (let i = 0; i < Math.ceil(count / VEHICLES_PER_OWNER); i++) owners.push(await seedSession(gatewayUrl));
  const targets: Target[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: SEED_CONCURRENCY }, async () => {
      for (let i = next++; i < count; i = next++) {
        const vehicle = await seedVehicle(gatewayUrl, owners[Math.floor(i / VEHICLES_PER_OWNER)]);
        targets[i] = { vehicleId: vehicle.vehicleId, deviceToken: vehicle.deviceToken };
      }
    }),
  );
  return targets;
}

async function measure(
  bench: BenchSystem,
  worker: Worker<ClientRequest>,
  options: AlertsOptions,
): Promise<AlertsReport> {
  const startedAt = new Date().toISOString();
  const [loadAverage1m] = loadavg();

  console.log(`rule engine alone: ${options.vehicles} simulated vehicles × ${options.engineRounds} rounds...`);
  const engine = measureEngine(options.vehicles, options.engineRounds);

  const total = options.vehicles + 2 * options.probes + WARMUP_VEHICLES;
  console.log(`seeding ${total} vehicles with paired devices...`);
  const all = await seedFleet(bench.system.url, total);
  const fleet = all.slice(0, options.vehicles);
  const probes = all.slice(options.vehicles, options.vehicles + options.probes);
  const direct = all
    .slice(options.vehicles + options.probes, options.vehicles + 2 * options.probes)
    .map((t) => t.vehicleId);
  const warmup = all.slice(options.vehicles + 2 * options.probes);

  console.log(`health consumer: a backlog of ${options.vehicles} × ${options.backlogRounds} rounds...`);
  const consumer = await measureDrain(
    bench.system.deps.bus,
    bench.system.deps.mongo.db('health'),
    fleet.map((t) => t.vehicleId),
    options.backlogRounds,
  );

  console.log(`latency: ${options.probes} overheating probes while the fleet uploads ${options.uploadsPerSecond}/s...`);
  const admin = await login(bench.system.url, bench.config.ADMIN_EMAIL!, bench.config.ADMIN_PASSWORD!);
  const running = worker.call<LatencyResult>({
    kind: 'latency',
    settings: {
      gatewayUrl: bench.system.url,
      adminToken: admin.accessToken,
      fleet,
      probes,
      direct,
      warmup,
      uploadsPerSecond: options.uploadsPerSecond,
      probesPerSecond: options.probesPerSecond,
      warmupSeconds: options.warmupSeconds,
    },
  });
  // Alongside the upload probes (once the subscriber has warmed up), events straight on the stream.
  const { subscriptions } = bench.system.gateway;
  while (subscriptions.stats.subscribers < 1) await sleep(50);
  await sleep((options.warmupSeconds + 3) * 1000);
  const directSentAt = await sendDirectProbes(bench.system.deps.bus, direct, options.probesPerSecond);
  const latency = await running;
  const fromStream = directLatency(directSentAt, latency.directReceivedAt);
  return {
    benchmark: 'alerts',
    startedAt,
    settings: options,
    environment: environment(bench.database, loadAverage1m),
    engine,
    consumer,
    latency,
    fromStream,
  };
}

runSystemBenchmark({
  name: 'alerts',
  parseOptions: parseAlertsOptions,
  loadProcess: 'bench/lib/alerts/client-process.ts',
  measure,
  formatReport,
  failures,
});
