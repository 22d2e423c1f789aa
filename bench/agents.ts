import './lib/production-mode.js';
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import {
  BenchAutonomousTickDocument,
  DecisionsDocument,
  LiveAddVehicleDocument,
  RegisterDocument,
  ReportClientErrorDocument,
  type DecisionsQuery,
  type DecisionsQueryVariables,
} from '../test/generated/graphql.js';
import { runLearningBenchmark } from './lib/agents/learning-bench.js';
import { storeDecisions } from './lib/agents/stored-decisions.js';
import { startBenchSystem, type BenchSystem } from './lib/bench-system.js';
import { bearerHeaders, dataOf, JSON_HEADERS, postGraphQL, type RawResponse } from './lib/graphql-http.js';
import { LatencyRecorder, type LatencySummary } from './lib/latency.js';
import { environment, fixed, saveReport, table, type Environment } from './lib/report.js';
import { exitWith } from './lib/run-benchmark.js';
import { login } from './lib/seed.js';

/*
 * The autonomous loop at scale: with 10,000 stored decisions and 1,000 vehicles, what one tick
 * of the loop costs (measured by the loop itself, and as an admin's runAutonomousTick round
 * trip through the gateway), and the latency of paginated, filtered `decisions` queries
 * through the gateway. `npm run bench:agents -- --quick` for a smoke run; `-- --learning` for the
 * loop's learning in a simulated environment (bench/lib/agents/learning-bench.ts).
 */

interface Options {
  decisions: number;
  vehicles: number;
  ticks: number;
  queries: number;
}

interface AgentsReport {
  benchmark: 'agents';
  startedAt: string;
  settings: Options;
  environment: Environment;
  seeding: { vehiclesSeconds: number; decisionsSeconds: number; vehiclesKnownToAgents: number };
  quietTick: { serverMs: LatencySummary; roundTripMs: LatencySummary };
  decidingTick: { serverMs: number; roundTripMs: number; decisions: number };
  decisionsQuery: Record<string, LatencySummary>;
}

const OWNER_VEHICLES = 50;
const CONCURRENCY = 16;

function parseOptions(argv: string[]): Options {
  const quick = argv.includes('--quick');
  return quick
    ? { decisions: 1000, vehicles: 100, ticks: 10, queries: 40 }
    : { decisions: 10_000, vehicles: 1000, ticks: 30, queries: 60 };
}

async function inParallel<T>(items: T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await run(items[next++]);
    }),
  );
}

/** Owners of 50 vehicles each (the per-owner limit), registered and adding vehicles through the gateway. */
async function seedVehicles(url: string, count: number): Promise<void> {
  const owners = Math.ceil(count / OWNER_VEHICLES);
  const tokens: string[] = [];
  for (let o = 0; o < owners; o++) {
    const email = `agents-bench-${o}-${randomBytes(3).toString('hex')}@clutch.bench`;
    const { register } = dataOf(
      'register',
      await postGraphQL(
        url,
        RegisterDocument,
        { input: { email, password: randomBytes(12).toString('hex'), name: 'Fleet' } },
        JSON_HEADERS,
      ),
    );
    tokens.push(register.accessToken);
  }
  const serials = Array.from({ length: count }, (_, i) => i);
  await inParallel(serials, CONCURRENCY, async (i) => {
    const vin = `WAUZZZ8V${String(i).padStart(9, '0')}`;
    dataOf(
      'addVehicle',
      await postGraphQL(
        url,
        LiveAddVehicleDocument,
        { input: { vin, make: 'Audi', model: 'A3' } },
        bearerHeaders(tokens[Math.floor(i / OWNER_VEHICLES)]),
      ),
    );
  });
}

async function tickOnce(url: string, token: string) {
  const t0 = performance.now();
  const { runAutonomousTick } = dataOf(
    'runAutonomousTick',
    await postGraphQL(url, BenchAutonomousTickDocument, {}, bearerHeaders(token)),
  );
  return { roundTripMs: performance.now() - t0, ...runAutonomousTick };
}

async function measure(bench: BenchSystem, options: Options): Promise<AgentsReport> {
  const startedAt = new Date().toISOString();
  const url = bench.system.url;
  const agentsDb = bench.system.deps.mongo.db('agents');

  console.log(`seeding ${options.vehicles} vehicles through the gateway...`);
  let t0 = performance.now();
  await seedVehicles(url, options.vehicles);
  const vehiclesSeconds = (performance.now() - t0) / 1000;
  console.log(`storing ${options.decisions} decisions...`);
  t0 = performance.now();
  await storeDecisions(agentsDb, options.decisions);
  const decisionsSeconds = (performance.now() - t0) / 1000;
  // A fresh token per phase: on a slow machine a run outlasts one access token.
  const freshToken = async () =>
    (await login(url, bench.config.ADMIN_EMAIL!, bench.config.ADMIN_PASSWORD!)).accessToken;
  let token = await freshToken();
  const [loadAverage1m] = loadavg();

  console.log(`${options.ticks} quiet ticks...`);
  await tickOnce(url, token); // the first tick also reads what the feeds missed
  const server = new LatencyRecorder();
  const roundTrip = new LatencyRecorder();
  for (let i = 0; i < options.ticks; i++) {
    const tick = await tickOnce(url, token);
    server.record(tick.durationMs);
    roundTrip.record(tick.roundTripMs);
  }

  console.log(`  quiet tick in the loop: p50 ${fixed(server.summary().p50)} ms, p95 ${fixed(server.summary().p95)} ms`);
  console.log('a tick that decides and acts (a client error burst)...');
  token = await freshToken();
  await Promise.all(
    Array.from({ length: 30 }, (_, i) =>
      postGraphQL(url, ReportClientErrorDocument, { input: { message: `bench error ${i}` } }, JSON_HEADERS),
    ),
  );
  // Waking on the burst is the loop's own business; this tick may find the decision made already.
  const deciding = await tickOnce(url, token);

  console.log(`${options.queries} decisions queries per shape...`);
  const since = new Date(Date.now() - 7 * 86_400_000).toISOString();
  const shapes: Record<string, (after: string | null) => DecisionsQueryVariables> = {
    'first page, no filter': () => ({ first: 20 }),
    'paging on with the cursor': (after) => ({ first: 20, after }),
    'by member': () => ({ first: 20, filter: { memberId: 'security-expert' } }),
    'by status': () => ({ first: 20, filter: { status: 'EXECUTED' } }),
    'by category, last 7 days': () => ({ first: 20, filter: { category: 'performance', from: since } }),
  };
  const decisionsQuery: Record<string, LatencySummary> = {};
  for (const [name, variables] of Object.entries(shapes)) {
    const recorder = new LatencyRecorder();
    token = await freshToken();
    let after: string | null = null;
    for (let i = 0; i < options.queries; i++) {
      const q0 = performance.now();
      const response: RawResponse<DecisionsQuery> = await postGraphQL(
        url,
        DecisionsDocument,
        variables(after),
        bearerHeaders(token),
      );
      const { decisions }: DecisionsQuery = dataOf('decisions', response);
      recorder.record(performance.now() - q0);
      after = decisions.pageInfo.hasNextPage ? (decisions.pageInfo.endCursor ?? null) : null;
    }
    decisionsQuery[name] = recorder.summary();
    console.log(`  ${name}: p50 ${fixed(decisionsQuery[name].p50)} ms, p95 ${fixed(decisionsQuery[name].p95)} ms`);
  }

  return {
    benchmark: 'agents',
    startedAt,
    settings: options,
    environment: environment(bench.database, loadAverage1m),
    seeding: {
      vehiclesSeconds,
      decisionsSeconds,
      vehiclesKnownToAgents: await agentsDb.collection('known_vehicles').countDocuments({ active: true }),
    },
    quietTick: { serverMs: server.summary(), roundTripMs: roundTrip.summary() },
    decidingTick: {
      serverMs: deciding.durationMs,
      roundTripMs: deciding.roundTripMs,
      decisions: deciding.decisions.length,
    },
    decisionsQuery,
  };
}

function format(report: AgentsReport): string {
  const e = report.environment;
  const rows = [
    ['', 'n', 'p50 ms', 'p95 ms', 'max ms'],
    [
      'tick (server, quiet)',
      String(report.quietTick.serverMs.count),
      fixed(report.quietTick.serverMs.p50),
      fixed(report.quietTick.serverMs.p95),
      fixed(report.quietTick.serverMs.max),
    ],
    [
      'tick (round trip)',
      String(report.quietTick.roundTripMs.count),
      fixed(report.quietTick.roundTripMs.p50),
      fixed(report.quietTick.roundTripMs.p95),
      fixed(report.quietTick.roundTripMs.max),
    ],
    ...Object.entries(report.decisionsQuery).map(([name, s]) => [
      `decisions: ${name}`,
      String(s.count),
      fixed(s.p50),
      fixed(s.p95),
      fixed(s.max),
    ]),
  ];
  return [
    `agents benchmark: ${report.settings.decisions} stored decisions, ${report.settings.vehicles} vehicles (${report.seeding.vehiclesKnownToAgents} known to agents)`,
    `node ${e.node}, ${e.platform}, ${e.cpus} CPUs, load ${e.loadAverage1m}, database ${e.database}`,
    '',
    table(rows),
    '',
    `tick that decided and acted: ${fixed(report.decidingTick.serverMs)} ms in the loop, ${fixed(report.decidingTick.roundTripMs)} ms round trip, ${report.decidingTick.decisions} decision(s)`,
  ].join('\n');
}

async function main(): Promise<number> {
  if (process.argv.includes('--learning')) return runLearningBenchmark(process.argv.slice(2));
  const options = parseOptions(process.argv.slice(2));
  // Ticks come only from this benchmark: no background interval, and no provider keys.
  process.env.AGENTS_LOOP_INTERVAL_SECONDS = '86400';
  process.env.AGENTS_MODE = 'ON';
  for (const key of ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'GEMINI_API_KEY', 'DEEPSEEK_API_KEY', 'GROK_API_KEY'])
    delete process.env[key];
  console.log('starting the database and the system...');
  const bench = await startBenchSystem();
  try {
    const report = await measure(bench, options);
    console.log(`\n${format(report)}\n\nsaved ${saveReport('agents', report)}`);
    return 0;
  } finally {
    await bench.stop();
  }
}

exitWith(main);
