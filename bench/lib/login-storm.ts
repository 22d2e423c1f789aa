import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { defaultHashConcurrency } from '../../subgraphs/identity/auth/password-hasher.js';
import { RegisterDocument } from '../../test/generated/graphql.js';
import type { BenchSystem } from './bench-system.js';
import { loadRow } from './gateway-report.js';
import { cpuSecondsSince } from './cpu.js';
import { dataOf, JSON_HEADERS, postGraphQL } from './graphql-http.js';
import { failedRequests, type LoadResult, type LoadSettings } from './load.js';
import type { StormAccount, StormRequest, StormResult } from './login-storm-process.js';
import { ME_QUERY_BODY, ME_QUERY_TEXT, meTargets, verifyMe } from './me-query.js';
import { settledMemorySnapshot, type MemorySnapshot } from './memory.js';
import { wholeNumber, type LoadOptions } from './options.js';
import { environment, fixed, MEMORY_HEADER, memoryRow, round, table, times, type Environment } from './report.js';
import { runLoad } from './run-load.js';
import { seedSession } from './seed.js';
import { startWorker } from './worker.js';

/*
 * `npm run bench:gateway -- --login-storm`: does signing in starve everything else? `{ me }`
 * under the same load twice, alone and while clients sign in non-stop with the production
 * bcrypt cost, each run measured the same way as the plain gateway benchmark.
 */

/** bcrypt's cost in production (BCRYPT_ROUNDS' default): the point is what real hashes cost. */
export const STORM_BCRYPT_ROUNDS = 12;
/** The `{ me }` p95 the storm must not push past. */
const GOAL_P95_MS = 50;
/** The storm runs this long before `{ me }` is measured, so the hash queue is full by then. */
const RAMP_SECONDS = 2;

export interface LoginStormOptions extends LoadOptions {
  /** Clients signing in at once, each again as soon as it is answered. */
  logins: number;
}

/** What the system process went through during one run: was its event loop held up, and how busy was it. */
export interface ProcessFigures {
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  /** CPU cores the system process kept busy on average (all its threads, hashing included). */
  cores: number;
}

export interface LoginStormReport {
  benchmark: 'gateway-login-storm';
  startedAt: string;
  query: string;
  settings: LoginStormOptions & { bcryptRounds: number; hashConcurrency: number; hashQueue: number };
  environment: Environment;
  alone: LoadResult;
  duringStorm: LoadResult;
  storm: StormResult;
  process: { alone: ProcessFigures; duringStorm: ProcessFigures };
  /** during / alone: above 1 for latency is what the storm costs `{ me }`. */
  ratio: { requestsPerSecond: number; p50: number; p95: number; p99: number };
  goal: { p95Ms: number; met: boolean };
  memory: { before: MemorySnapshot; after: MemorySnapshot };
}

/** `--login-storm [--logins 24] [--connections 10] [--duration 10] [--warmup 2]`. */
export function parseLoginStormOptions(argv: string[]): LoginStormOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      'login-storm': { type: 'boolean' },
      logins: { type: 'string' },
      connections: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
    },
  });
  return {
    logins: wholeNumber('logins', values.logins, 24, 1),
    connections: wholeNumber('connections', values.connections, 10, 1),
    durationSeconds: wholeNumber('duration', values.duration, 10, 1),
    warmupSeconds: wholeNumber('warmup', values.warmup, 2, 0),
  };
}

/** One account per storm client, each signing in from an address of its own (a benchmarking range). */
async function seedAccounts(gatewayUrl: string, count: number): Promise<StormAccount[]> {
  const accounts = Array.from({ length: count }, (_, i) => ({
    email: `storm-${i}-${randomBytes(3).toString('hex')}@clutch.bench`,
    password: randomBytes(12).toString('hex'),
    ip: `198.18.${Math.floor(i / 250)}.${(i % 250) + 1}`,
  }));
  // A few at a time: registering hashes too, and the queue refuses what does not fit.
  for (let i = 0; i < accounts.length; i += 4) {
    await Promise.all(
      accounts
        .slice(i, i + 4)
        .map(async ({ email, password }) =>
          dataOf(
            `register ${email}`,
            await postGraphQL(
              gatewayUrl,
              RegisterDocument,
              { input: { email, password, name: 'Storm' } },
              JSON_HEADERS,
            ),
          ),
        ),
    );
  }
  return accounts;
}

/** One `{ me }` run, watching this process (the system) meanwhile. */
async function measuredRun(load: LoadSettings): Promise<{ result: LoadResult; figures: ProcessFigures }> {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  const cpu = process.cpuUsage();
  const started = performance.now();
  delay.enable();
  try {
    const result = await runLoad(load);
    const ms = (ns: number) => round(ns / 1e6, 1);
    return {
      result,
      figures: {
        eventLoopDelayMs: { p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max) },
        cores: round(cpuSecondsSince(cpu) / ((performance.now() - started) / 1000), 2),
      },
    };
  } finally {
    delay.disable();
  }
}

export async function measureLoginStorm(bench: BenchSystem, options: LoginStormOptions): Promise<LoginStormReport> {
  const startedAt = new Date().toISOString();
  const url = bench.system.url;
  const session = await seedSession(url);
  const { gateway: target } = meTargets(bench, session);
  const expectBody = await verifyMe(target, session.user);
  const accounts = await seedAccounts(url, options.logins);
  const load = { url: target.url, headers: target.headers, body: ME_QUERY_BODY, expectBody, ...options };

  const before = settledMemorySnapshot();
  const [loadAverage1m] = loadavg();
  const total = options.warmupSeconds + options.durationSeconds;
  console.log(`{ me } alone: ${total} s at ${options.connections} connections...`);
  const alone = await measuredRun(load);

  console.log(`{ me } while ${options.logins} clients sign in non-stop (bcrypt cost ${bench.config.BCRYPT_ROUNDS})...`);
  const stormer = startWorker<StormRequest>('bench/lib/login-storm-process.ts');
  let storm: StormResult;
  let during: Awaited<ReturnType<typeof measuredRun>>;
  try {
    const storming = stormer.call<StormResult>({ url, accounts, seconds: RAMP_SECONDS + total + 1 });
    await sleep(RAMP_SECONDS * 1000);
    during = await measuredRun(load);
    storm = await storming;
  } finally {
    await stormer.stop();
  }
  const after = settledMemorySnapshot();

  const duringStorm = during.result;
  const p95 = duringStorm.latencyMs.p95;
  return {
    benchmark: 'gateway-login-storm',
    startedAt,
    query: ME_QUERY_TEXT,
    settings: {
      ...options,
      bcryptRounds: bench.config.BCRYPT_ROUNDS,
      hashConcurrency: bench.config.PASSWORD_HASH_CONCURRENCY ?? defaultHashConcurrency(),
      hashQueue: bench.config.PASSWORD_HASH_QUEUE,
    },
    environment: environment(bench.database, loadAverage1m),
    alone: alone.result,
    duringStorm,
    storm,
    process: { alone: alone.figures, duringStorm: during.figures },
    ratio: {
      requestsPerSecond: round(duringStorm.requestsPerSecond / alone.result.requestsPerSecond, 2),
      p50: round(duringStorm.latencyMs.p50 / alone.result.latencyMs.p50, 2),
      p95: round(p95 / alone.result.latencyMs.p95, 2),
      p99: round(duringStorm.latencyMs.p99 / alone.result.latencyMs.p99, 2),
    },
    goal: { p95Ms: GOAL_P95_MS, met: p95 < GOAL_P95_MS },
    memory: { before, after },
  };
}

export function formatLoginStormReport(report: LoginStormReport): string {
  const { settings, environment: env, ratio, storm } = report;
  const s = storm.latencyMs;
  return [
    `Clutch gateway benchmark, login storm: ${report.query}`,
    `${settings.connections} connections, ${settings.durationSeconds} s per run after a ${settings.warmupSeconds} s warm-up; ` +
      `storm: ${settings.logins} clients signing in non-stop, bcrypt cost ${settings.bcryptRounds}, ` +
      `${settings.hashConcurrency} hashes at once, ${settings.hashQueue} queued; ` +
      `Node ${env.node}, ${env.cpus} CPUs (load average ${env.loadAverage1m} before the run), database ${env.database}`,
    '',
    table([
      [
        '{ me } through the gateway',
        'requests',
        'req/s',
        'p50 ms',
        'p95 ms',
        'p99 ms',
        'errors',
        'non-2xx',
        'bad body',
        'socket',
      ],
      loadRow('alone', report.alone),
      loadRow('during the login storm', report.duringStorm),
      ['storm / alone', '', times(ratio.requestsPerSecond), times(ratio.p50), times(ratio.p95), times(ratio.p99)],
    ]),
    '',
    table([
      ['sign-ins during the storm', 'answered', 'per s', 'p50 ms', 'p95 ms', 'p99 ms', 'RATE_LIMITED', 'failed'],
      [
        'login (right password)',
        String(storm.logins),
        fixed(storm.loginsPerSecond),
        fixed(s.p50),
        fixed(s.p95),
        fixed(s.p99),
        String(storm.refused),
        String(storm.failed),
      ],
    ]),
    '',
    table([
      ['system process', 'loop delay p50 ms', 'p99 ms', 'max ms', 'cores busy'],
      ...(['alone', 'duringStorm'] as const).map((run) => {
        const { eventLoopDelayMs: d, cores } = report.process[run];
        return [
          run === 'alone' ? 'alone' : 'during the login storm',
          fixed(d.p50),
          fixed(d.p99),
          fixed(d.max),
          fixed(cores, 2),
        ];
      }),
    ]),
    '',
    `goal: { me } p95 under ${report.goal.p95Ms} ms during the storm: ` +
      `${report.goal.met ? 'met' : 'NOT met'} (${fixed(report.duringStorm.latencyMs.p95, 2)} ms)`,
    '',
    table([
      ['system process memory', ...MEMORY_HEADER],
      memoryRow('before load', report.memory.before),
      memoryRow('after load', report.memory.after),
    ]),
    ...(storm.failureSamples.length ? ['', 'failed sign-ins:', ...storm.failureSamples] : []),
    ...[report.alone, report.duringStorm].flatMap((r, i) =>
      r.wrongBodySamples.length
        ? ['', `bad { me } bodies ${i ? 'during the storm' : 'alone'}:`, ...r.wrongBodySamples]
        : [],
    ),
  ].join('\n');
}

/** Why the figures do not describe a working system (the goal is reported, not judged here). */
export function loginStormFailures(report: LoginStormReport): string[] {
  const failed: string[] = [];
  const meFailed = failedRequests(report.alone) + failedRequests(report.duringStorm);
  if (meFailed > 0) failed.push(`${meFailed} { me } requests failed`);
  if (report.storm.failed > 0) failed.push(`${report.storm.failed} sign-ins failed`);
  if (report.storm.logins === 0) failed.push('no sign-in was answered: there was no storm');
  return failed;
}
