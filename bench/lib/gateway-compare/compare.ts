import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { startBenchSystem, type BenchSystem } from '../bench-system.js';
import { bearerHeaders, JSON_HEADERS } from '../graphql-http.js';
import type { LoadResult } from '../load.js';
import { wholeNumber } from '../options.js';
import { environment, fixed, round, saveReport, table, times } from '../report.js';
import { seedSession, type Session } from '../seed.js';
import { startWorker } from '../worker.js';
import { childrenCpuSeconds, cpuSecondsSince } from '../cpu.js';
import { GATEWAY_NAMES, processUsage, startGateway, type GatewayName, type GatewayProcess } from './gateways.js';
import type { Caller, MultiLoadSettings } from './multi-load-process.js';
import { selfProfiler } from './self-profile.js';
import { buildOurs } from './compiled.js';
import { startSubgraphProcesses, type SubgraphProcesses } from './subgraph-processes.js';

/*
 * bench:gateway --compare: ours (SERVICE=gateway), Hive Gateway and stock @apollo/gateway, each
 * in a process of its own, on the same subgraph processes (one per service, as production runs
 * them; `--subgraphs in-process` puts them all in this process instead), under the same loads,
 * interleaved (every round runs each gateway once per scenario), every response body checked.
 */

const QUERIES = {
  me: '{ me { id email name roles } }',
  threeSubgraphs: 'query ($id: ID!) { vehicle(id: $id) { vin owner { email } health { score } } }',
  list20: '{ myVehicles { id vin make model health { score } } }',
} as const;
type QueryName = keyof typeof QUERIES;

const VEHICLES_PER_USER = 20;

interface Seeded {
  session: Session;
  firstVehicleId: string;
}

export interface CompareOptions {
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  rounds: number;
  users: number;
  only?: GatewayName[];
  queries: QueryName[];
  /** Which loads to run: 'many' (every user) and/or 'one' (the first user on every connection). */
  modes: ('many' | 'one')[];
  /**
   * Where the subgraphs run: 'processes' (default), one production process per service
   * (subgraph-processes.ts); 'in-process', all of them in this process, under tsx.
   */
  subgraphs: 'processes' | 'in-process';
  /**
   * CPU profiles of the subgraphs, into this folder: in this process, one per measured run; as
   * processes, one per service over its whole life, written when it stops.
   */
  subgraphCpuProf?: string;
}

export function parseCompareOptions(argv: string[]): CompareOptions {
  const { values } = parseArgs({
    args: argv,
    strict: false,
    options: {
      connections: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      rounds: { type: 'string' },
      users: { type: 'string' },
      gateways: { type: 'string' },
      queries: { type: 'string' },
      modes: { type: 'string' },
      subgraphs: { type: 'string' },
      'subgraph-cpu-prof': { type: 'string' },
    },
  });
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const subgraphs = str(values.subgraphs) ?? 'processes';
  if (subgraphs !== 'processes' && subgraphs !== 'in-process')
    throw new Error(`--subgraphs must be processes or in-process (got ${subgraphs})`);
  return {
    connections: wholeNumber('connections', str(values.connections), 50, 1),
    durationSeconds: wholeNumber('duration', str(values.duration), 15, 1),
    warmupSeconds: wholeNumber('warmup', str(values.warmup), 3, 0),
    rounds: wholeNumber('rounds', str(values.rounds), 2, 1),
    users: wholeNumber('users', str(values.users), 50, 1),
    only: str(values.gateways)?.split(',') as GatewayName[] | undefined,
    queries: (str(values.queries)?.split(',') ?? Object.keys(QUERIES)) as QueryName[],
    modes: (str(values.modes)?.split(',') ?? ['many', 'one']) as ('many' | 'one')[],
    subgraphs,
    subgraphCpuProf: str(values['subgraph-cpu-prof']),
  };
}

async function post(url: string, headers: Record<string, string>, body: string) {
  const response = await fetch(url, { method: 'POST', headers, body });
  return { status: response.status, text: await response.text() };
}

async function seed(bench: BenchSystem, users: number): Promise<Seeded[]> {
  const seeded: Seeded[] = [];
  for (let i = 0; i < users; i++) {
    const session = await seedSession(bench.system.url);
    const ids: string[] = [];
    for (let v = 0; v < VEHICLES_PER_USER; v++) {
      const vin = `WVWZZZ1JZ${String(i).padStart(3, '0')}${String(v).padStart(5, '0')}`;
      const { text } = await post(
        bench.system.url,
        bearerHeaders(session.accessToken),
        JSON.stringify({
          query: 'mutation ($input: AddVehicleInput!) { addVehicle(input: $input) { id } }',
          variables: { input: { vin, make: 'Volkswagen', model: 'Golf', year: 2020 } },
        }),
      );
      const id = (JSON.parse(text) as { data?: { addVehicle?: { id: string } } }).data?.addVehicle?.id;
      if (!id) throw new Error(`addVehicle failed: ${text.slice(0, 300)}`);
      ids.push(id);
    }
    seeded.push({ session, firstVehicleId: ids[0]! });
  }
  return seeded;
}

const bodyOf = (query: QueryName, user: Seeded) =>
  JSON.stringify({
    query: QUERIES[query],
    ...(query === 'threeSubgraphs' ? { variables: { id: user.firstVehicleId } } : {}),
  });

/** Each caller's exact answer on `gateway`: the same data as ours gives, byte-stable on that gateway. */
async function callersFor(gateway: GatewayProcess, query: QueryName, users: Seeded[], reference: Map<string, string>) {
  const callers: Caller[] = [];
  for (const user of users) {
    const headers = { ...JSON_HEADERS, authorization: `Bearer ${user.session.accessToken}` };
    const body = bodyOf(query, user);
    const first = await post(gateway.url, headers, body);
    const second = await post(gateway.url, headers, body);
    const parsed = JSON.parse(first.text) as { data?: unknown; errors?: unknown };
    if (first.status !== 200 || parsed.errors || !parsed.data)
      throw new Error(`${query} on ${gateway.name}: HTTP ${first.status} ${first.text.slice(0, 400)}`);
    if (first.text !== second.text) throw new Error(`${query} on ${gateway.name} is not byte-stable`);
    const key = `${query}:${user.session.user.id}`;
    const data = JSON.stringify(parsed.data);
    if (!reference.has(key)) reference.set(key, data);
    else if (reference.get(key) !== data)
      throw new Error(`${query} on ${gateway.name} answers differently: ${data} vs ${reference.get(key)}`);
    callers.push({ headers, body, expectBody: first.text });
  }
  return callers;
}

interface Run {
  gateway: GatewayName;
  round: number;
  load: LoadResult;
  cpuSeconds: number;
  /** CPU seconds the gateway used per second of load: 1 is a whole core. */
  cores: number;
  rssMbAfter: number;
  /** CPU seconds of the subgraphs and of the database during the run: shared by every gateway. */
  subgraphCpuSeconds: number;
  databaseCpuSeconds?: number;
}

interface Scenario {
  query: QueryName;
  users: 'many' | 'one';
  runs: Run[];
}

const perRequest = (runs: Run[], cpuSeconds: (r: Run) => number) =>
  round(
    (1000 * runs.reduce((a, r) => a + cpuSeconds(r), 0)) /
      Math.max(
        1,
        runs.reduce((a, r) => a + r.load.requests, 0),
      ),
    3,
  );

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

function summarise(scenario: Scenario, gateways: GatewayName[]) {
  return Object.fromEntries(
    gateways.map((name) => {
      const runs = scenario.runs.filter((r) => r.gateway === name);
      return [
        name,
        {
          rps: round(mean(runs.map((r) => r.load.requestsPerSecond)), 1),
          p50: round(mean(runs.map((r) => r.load.latencyMs.p50)), 2),
          p95: round(mean(runs.map((r) => r.load.latencyMs.p95)), 2),
          p99: round(mean(runs.map((r) => r.load.latencyMs.p99)), 2),
          cores: round(mean(runs.map((r) => r.cores)), 2),
          cpuMsPerRequest: round(
            (1000 * runs.reduce((a, r) => a + r.cpuSeconds, 0)) /
              Math.max(
                1,
                runs.reduce((a, r) => a + r.load.requests, 0),
              ),
            3,
          ),
          rssMbAfter: Math.max(...runs.map((r) => r.rssMbAfter)),
          subgraphCpuMsPerRequest: perRequest(runs, (r) => r.subgraphCpuSeconds),
          databaseCpuMsPerRequest: perRequest(runs, (r) => r.databaseCpuSeconds ?? 0),
          failed: runs.reduce((a, r) => a + r.load.wrongBodies + r.load.socketErrors, 0),
        },
      ];
    }),
  ) as Record<
    GatewayName,
    {
      rps: number;
      p50: number;
      p95: number;
      p99: number;
      cores: number;
      cpuMsPerRequest: number;
      rssMbAfter: number;
      subgraphCpuMsPerRequest: number;
      databaseCpuMsPerRequest: number;
      failed: number;
    }
  >;
}

export async function runCompare(argv: string[]): Promise<number> {
  const options = parseCompareOptions(argv);
  const names = GATEWAY_NAMES.filter((n) => !options.only || options.only.includes(n));
  console.log('starting the database and the subgraphs...');
  const bench = await startBenchSystem({ ACCESS_TOKEN_TTL_SECONDS: '7200' });
  const gateways: GatewayProcess[] = [];
  let services: SubgraphProcesses | undefined;
  const stopAll = async () => {
    await Promise.all(gateways.map((g) => g.stop()));
    await services?.stop();
    await bench.stop();
  };
  const interrupt = () => void stopAll().finally(() => process.exit(130));
  process.once('SIGINT', interrupt).once('SIGTERM', interrupt);
  try {
    console.log(`seeding ${options.users} users with ${VEHICLES_PER_USER} vehicles each...`);
    const users = await seed(bench, options.users);
    const inProcess = options.subgraphs === 'in-process';
    if (names.includes('ours') || !inProcess) {
      console.log('building dist/, as the image does...');
      buildOurs();
    }
    if (!inProcess) {
      console.log('starting a process per subgraph, as production runs them...');
      services = await startSubgraphProcesses(bench.config, {
        nodeFlags: options.subgraphCpuProf ? cpuProfileFlags(options.subgraphCpuProf) : [],
      });
      // Its subgraphs and background work would otherwise share the machine with the measured ones.
      await bench.stopSystem();
    }
    const subgraphCpuSeconds = services ? services.cpuSeconds.bind(services) : () => cpuSecondsSince();
    for (const name of names)
      gateways.push(await startGateway(name, bench, { subgraphUrls: services?.urls, oursNodeFlags: profileFlags() }));
    const [loadAverage1m] = loadavg();
    const reference = new Map<string, string>();
    const scenarios: Scenario[] = [];
    const worker = startWorker<MultiLoadSettings>('bench/lib/gateway-compare/multi-load-process.ts');
    const profiler = await selfProfiler(inProcess ? options.subgraphCpuProf : undefined);
    try {
      for (const query of options.queries) {
        for (const users_ of options.modes) {
          const scenario: Scenario = { query, users: users_, runs: [] };
          scenarios.push(scenario);
          const callers = new Map<GatewayName, Caller[]>();
          for (const gateway of gateways) {
            const all = await callersFor(gateway, query, users, reference);
            callers.set(gateway.name, users_ === 'many' ? all : [all[0]!]);
          }
          const runLoad = (gateway: GatewayProcess, durationSeconds: number, warmupSeconds: number) =>
            worker.call<LoadResult>({
              url: gateway.url,
              callers: callers.get(gateway.name)!,
              connections: options.connections,
              durationSeconds,
              warmupSeconds,
            });
          // Untimed, through every gateway: the subgraphs' and the database's first seconds on a
          // query (JIT, caches) were otherwise paid by whichever gateway ran first (ours, always).
          if (options.warmupSeconds > 0)
            for (const gateway of gateways) await runLoad(gateway, options.warmupSeconds, 0);
          for (let round_ = 1; round_ <= options.rounds; round_++) {
            // Interleaved: each round runs every gateway once, in a rotating order.
            const order = gateways.map((_, i) => gateways[(i + round_ - 1) % gateways.length]!);
            for (const gateway of order) {
              const before = processUsage(gateway.pid);
              const subgraphBefore = subgraphCpuSeconds();
              const databaseBefore = bench.databasePid ? childrenCpuSeconds(bench.databasePid) : undefined;
              const load = await profiler.around(`${query}-${users_}-${gateway.name}-r${round_}`, () =>
                runLoad(gateway, options.durationSeconds, options.warmupSeconds),
              );
              const after = processUsage(gateway.pid);
              const subgraphSeconds = subgraphCpuSeconds() - subgraphBefore;
              const databaseAfter = bench.databasePid ? childrenCpuSeconds(bench.databasePid) : undefined;
              const cpuSeconds = after.cpuSeconds - before.cpuSeconds;
              scenario.runs.push({
                gateway: gateway.name,
                round: round_,
                load,
                cpuSeconds,
                cores: round(cpuSeconds / (options.durationSeconds + options.warmupSeconds), 2),
                rssMbAfter: after.rssMb,
                subgraphCpuSeconds: subgraphSeconds,
                databaseCpuSeconds:
                  databaseBefore === undefined || databaseAfter === undefined
                    ? undefined
                    : databaseAfter - databaseBefore,
              });
              console.log(
                `${query} ${users_ === 'many' ? `${users.length} users` : 'one user'} round ${round_} ${gateway.name}: ` +
                  `${fixed(load.requestsPerSecond)} req/s p99 ${fixed(load.latencyMs.p99)} ms, ` +
                  `failed ${load.wrongBodies + load.socketErrors}${load.wrongBodySamples.length ? ` e.g. ${load.wrongBodySamples[0]}` : ''}`,
              );
            }
          }
        }
      }
    } finally {
      profiler.close();
      await worker.stop();
    }
    const summaries = scenarios.map((s) => ({ query: s.query, users: s.users, figures: summarise(s, names) }));
    const report = {
      kind: 'gateway-compare',
      startedAt: new Date().toISOString(),
      queries: QUERIES,
      settings: options,
      environment: environment(bench.database, loadAverage1m),
      loadAverageAfter1m: round(loadavg()[0], 2),
      summaries,
      runs: scenarios,
    };
    console.log(`\n${formatCompare(summaries, names)}\n\nsaved ${saveReport('gateway-compare', report)}`);
    const failed = summaries.reduce((a, s) => a + Object.values(s.figures).reduce((b, f) => b + f.failed, 0), 0);
    if (failed > 0) console.error(`\n${failed} requests failed: these figures do not describe working gateways.`);
    return failed > 0 ? 1 : 0;
  } finally {
    await stopAll();
  }
}

const cpuProfileFlags = (dir: string) => ['--cpu-prof', `--cpu-prof-dir=${dir}`];

/** BENCH_OURS_CPU_PROF=<dir> profiles our gateway's process (node --cpu-prof). */
const profileFlags = () => (process.env.BENCH_OURS_CPU_PROF ? cpuProfileFlags(process.env.BENCH_OURS_CPU_PROF) : []);

function formatCompare(
  summaries: { query: QueryName; users: string; figures: ReturnType<typeof summarise> }[],
  names: GatewayName[],
): string {
  const rows = [
    [
      'query',
      'users',
      'gateway',
      'req/s',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'cores',
      'cpu ms/req',
      'RSS MB',
      'subgraphs ms/req',
      'db ms/req',
      'failed',
      'ours/x req/s',
    ],
  ];
  for (const s of summaries) {
    for (const name of names) {
      const f = s.figures[name];
      const ours = s.figures.ours;
      rows.push([
        s.query,
        s.users,
        name,
        fixed(f.rps),
        fixed(f.p50, 2),
        fixed(f.p95, 2),
        fixed(f.p99, 2),
        fixed(f.cores, 2),
        fixed(f.cpuMsPerRequest, 3),
        fixed(f.rssMbAfter),
        fixed(f.subgraphCpuMsPerRequest, 3),
        fixed(f.databaseCpuMsPerRequest, 3),
        String(f.failed),
        ours && name !== 'ours' ? times(ours.rps / f.rps) : '',
      ]);
    }
  }
  return table(rows);
}
