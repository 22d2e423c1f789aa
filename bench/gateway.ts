import './lib/production-mode.js';
import 'reflect-metadata';
import { loadavg } from 'node:os';
import { startBenchSystem, type BenchSystem } from './lib/bench-system.js';
import { failedRequests, type LoadSettings } from './lib/load.js';
import { buildReport, formatReport } from './lib/gateway-report.js';
import { ME_QUERY_BODY, ME_QUERY_TEXT, meTargets, verifyMe, type Target } from './lib/me-query.js';
import { settledMemorySnapshot } from './lib/memory.js';
import { parseLoadOptions, type LoadOptions } from './lib/options.js';
import { saveReport } from './lib/report.js';
import {
  formatLoginStormReport,
  loginStormFailures,
  measureLoginStorm,
  parseLoginStormOptions,
  STORM_BCRYPT_ROUNDS,
} from './lib/login-storm.js';
import { exitWith, reportFailures } from './lib/run-benchmark.js';
import { runLoad } from './lib/run-load.js';
import { seedSession } from './lib/seed.js';
import { runScaleBenchmark } from './lib/seeded/scale-bench.js';
import { runCompare } from './lib/gateway-compare/compare.js';

/*
 * What the gateway costs: one authenticated query through the gateway, then the same query
 * straight to the subgraph that answers it, under the same load, in the same run.
 * `npm run bench:gateway -- --duration 5 --connections 10` for a quick run.
 * `npm run bench:gateway -- --login-storm`: the same query alone and during a sign-in flood
 * (see lib/login-storm.ts).
 * `npm run bench:gateway -- --scale <small|seed>`: myVehicles for 1,000 customers and the staff
 * dashboards' first pages on a seeded data set (see lib/seeded/scale-bench.ts).
 * `npm run bench:gateway -- --compare`: ours, Hive Gateway and stock @apollo/gateway side by side
 * (see lib/gateway-compare/compare.ts; --duration 5 --rounds 1 --users 10 for a quick run).
 */

const settingsFor = (target: Target, expectBody: string, options: LoadOptions): LoadSettings => ({
  url: target.url,
  headers: target.headers,
  body: ME_QUERY_BODY,
  expectBody,
  ...options,
});

async function measure(bench: BenchSystem, options: LoadOptions): Promise<number> {
  const startedAt = new Date().toISOString();
  const session = await seedSession(bench.system.url);
  const targets = meTargets(bench, session);
  // Fails loudly before any load if either path gives anything but the seeded user.
  const gatewayBody = await verifyMe(targets.gateway, session.user);
  const subgraphBody = await verifyMe(targets.subgraph, session.user);

  const before = settledMemorySnapshot();
  const [loadAverage1m] = loadavg();
  const total = options.warmupSeconds + options.durationSeconds;
  console.log(`gateway: ${total} s of load at ${options.connections} connections...`);
  const gateway = await runLoad(settingsFor(targets.gateway, gatewayBody, options));
  console.log(`identity subgraph: ${total} s of load at ${options.connections} connections...`);
  const subgraph = await runLoad(settingsFor(targets.subgraph, subgraphBody, options));
  const after = settledMemorySnapshot();

  const report = buildReport({
    startedAt,
    query: ME_QUERY_TEXT,
    settings: options,
    database: bench.database,
    loadAverage1m,
    gateway,
    subgraph,
    memory: { before, after },
  });
  console.log(`\n${formatReport(report)}\n\nsaved ${saveReport('gateway', report)}`);
  return failedRequests(gateway) + failedRequests(subgraph);
}

async function loginStorm(argv: string[]): Promise<number> {
  const options = parseLoginStormOptions(argv);
  console.log('starting the database and the system...');
  const bench = await startBenchSystem({ BCRYPT_ROUNDS: String(STORM_BCRYPT_ROUNDS) });
  const interrupt = () => void bench.stop().finally(() => process.exit(130));
  process.once('SIGINT', interrupt).once('SIGTERM', interrupt);
  try {
    const report = await measureLoginStorm(bench, options);
    console.log(`\n${formatLoginStormReport(report)}\n\nsaved ${saveReport('gateway-login-storm', report)}`);
    return reportFailures(loginStormFailures(report));
  } finally {
    await bench.stop();
  }
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv.includes('--login-storm')) return loginStorm(argv);
  const options = parseLoadOptions(argv);
  console.log('starting the database and the system...');
  const bench = await startBenchSystem();
  const interrupt = () => void bench.stop().finally(() => process.exit(130));
  process.once('SIGINT', interrupt).once('SIGTERM', interrupt);
  try {
    const failed = await measure(bench, options);
    if (failed > 0)
      console.error(`\n${failed} requests failed under load: these figures do not describe a working system.`);
    return failed > 0 ? 1 : 0;
  } finally {
    await bench.stop();
  }
}

if (process.argv.includes('--scale')) runScaleBenchmark(process.argv.slice(2));
else if (process.argv.includes('--compare'))
  exitWith(() => runCompare(process.argv.slice(2).filter((a) => a !== '--compare')));
else exitWith(main);
