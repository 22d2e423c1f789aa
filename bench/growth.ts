import './lib/production-mode.js';
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startBenchSystem } from './lib/bench-system.js';
import { CommandRecorder, type SentCommand } from './lib/growth/commands.js';
import { addTroubleCodes, BASE, growthScale, growthSubjects } from './lib/growth/data.js';
import { explainCommand, type Verdict } from './lib/growth/explain.js';
import { timeQueries } from './lib/growth/measure.js';
import { listQueries } from './lib/growth/queries.js';
import { formatGrowthReport, growthRows, type GrowthReport } from './lib/growth/report.js';
import { wholeNumber } from './lib/options.js';
import { environment, saveReport } from './lib/report.js';
import { exitWith, reportFailures } from './lib/run-benchmark.js';
import { census, seedInto } from './lib/seeded/data-set.js';

/*
 * npm run bench:growth: does every list query keep its p95 as the data grows? Seeds the `small`
 * scale (through the API, as npm run seed does), times each list query of issue #10 alone,
 * grows the data set --factor times (default 10) and times them again; prints both, the p95
 * growth (over 2x fails the run) and, for each query, its slowest database read at the large
 * size with the database's explain of it (index search or table scan, sort pushed down or not).
 * The database is a fresh one in a temporary folder (or MONGODB_URI), removed at the end.
 */

function parseOptions(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      factor: { type: 'string' },
      samples: { type: 'string' },
      warmup: { type: 'string' },
    },
  });
  return {
    factor: wholeNumber('factor', values.factor, 10, 2),
    samples: wholeNumber('samples', values.samples, 30, 5),
    warmup: wholeNumber('warmup', values.warmup, 3, 0),
  };
}

exitWith(async () => {
  const options = parseOptions(process.argv.slice(2));
  const startedAt = new Date().toISOString();
  // Fresh every time: the small size must be measured before the data set grows.
  const dataDir = mkdtempSync(path.join(tmpdir(), 'clutch-bench-growth-'));
  const large = growthScale(options.factor);
  console.log(`starting the system on ${dataDir}...`);
  const bench = await startBenchSystem(
    { TELEMETRY_RETENTION_DAYS: String(BASE.readingDays + 7) },
    { dataDir, dbPrefix: 'growth', monitorCommands: true },
  );
  const interrupt = () =>
    void bench.stop().finally(() => {
      rmSync(dataDir, { recursive: true, force: true });
      process.exit(130);
    });
  process.once('SIGINT', interrupt).once('SIGTERM', interrupt);
  try {
    const recorder = new CommandRecorder(bench.system.deps.mongo.client);
    const log = (line: string) => console.log(line);
    const quiet = () => undefined;
    const measureNow = async () => {
      const subjects = await growthSubjects(bench, dataDir);
      const [load] = loadavg();
      const timings = await timeQueries(bench.system.url, subjects, listQueries(subjects), recorder, options, log);
      return { timings, load, dataSet: await census(bench) };
    };

    console.log(`seeding scale ${BASE.name}...`);
    const seededSmall = await seedInto(bench, dataDir, BASE, quiet);
    await addTroubleCodes(bench, dataDir, BASE);
    console.log('timing every list query at the small size...');
    const small = await measureNow();

    console.log(`growing the data set ${options.factor}x (scale ${large.name})...`);
    const seededLarge = await seedInto(bench, dataDir, large, quiet);
    await addTroubleCodes(bench, dataDir, large);
    console.log(`timing every list query at ${options.factor}x...`);
    const big = await measureNow();

    const verdicts = new Map<string, { command: SentCommand; verdict: Verdict }>();
    for (const t of big.timings) {
      const [slowest] = t.commands;
      if (slowest)
        verdicts.set(t.name, {
          command: slowest,
          verdict: await explainCommand(bench.system.deps.mongo.client, slowest),
        });
    }
    const report: GrowthReport = {
      benchmark: 'growth',
      startedAt,
      factor: options.factor,
      samples: options.samples,
      environment: environment(bench.database, small.load),
      loadAverage: { small: small.load, large: big.load },
      dataSets: { small: small.dataSet, large: big.dataSet },
      seedSeconds: { small: seededSmall.seconds, large: seededLarge.seconds },
      rows: growthRows(small.timings, big.timings, verdicts),
    };
    const saved = saveReport('growth', report);
    console.log(`\n${formatGrowthReport(report)}\n\nsaved ${saved}`);
    return reportFailures(
      report.rows.filter((r) => r.grows).map((r) => `${r.name}: p50 grew ${r.p50Ratio}x, p95 ${r.p95Ratio}x`),
    );
  } finally {
    await bench.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
