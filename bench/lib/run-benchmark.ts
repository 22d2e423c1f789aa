import { startBenchSystem, type BenchSystem } from './bench-system.js';
import { saveReport } from './report.js';
import { startWorker, type Worker } from './worker.js';

/** Runs `main` as the whole process: its result is the exit code, a crash prints and exits 1. */
export function exitWith(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}

/** Prints why figures mean nothing, if they do not; the exit code to end with. */
export function reportFailures(failed: string[]): number {
  if (failed.length > 0) console.error(`\nThese figures do not describe a working system:\n  ${failed.join('\n  ')}`);
  return failed.length > 0 ? 1 : 0;
}

export interface SystemBenchmark<TOptions, TRequest, TReport extends { startedAt: string }> {
  /** Names the saved report: bench/results/<name>-<startedAt>.json. */
  name: string;
  parseOptions(argv: string[]): TOptions;
  /** The load process: a module under bench/ that calls `serveWorker`. */
  loadProcess: string;
  measure(bench: BenchSystem, worker: Worker<TRequest>, options: TOptions): Promise<TReport>;
  formatReport(report: TReport): string;
  /** Why the figures do not describe a working system; empty when they do. */
  failures(report: TReport): string[];
}

/**
 * The whole system and a load process, both stopped however the run ends (Ctrl-C included);
 * the report is printed and saved, and the process exits with 1 when the figures mean nothing.
 */
export function runSystemBenchmark<TOptions, TRequest, TReport extends { startedAt: string }>(
  spec: SystemBenchmark<TOptions, TRequest, TReport>,
): void {
  exitWith(async () => {
    const options = spec.parseOptions(process.argv.slice(2));
    console.log('starting the database and the system...');
    const bench = await startBenchSystem();
    const worker = startWorker<TRequest>(spec.loadProcess);
    const stop = async () => {
      await worker.stop();
      await bench.stop();
    };
    const interrupt = () => void stop().finally(() => process.exit(130));
    process.once('SIGINT', interrupt).once('SIGTERM', interrupt);
    try {
      const report = await spec.measure(bench, worker, options);
      console.log(`\n${spec.formatReport(report)}\n\nsaved ${saveReport(spec.name, report)}`);
      return reportFailures(spec.failures(report));
    } finally {
      await stop();
    }
  });
}
