/**
 * `npm run seed -- --scale <small|seed>`: a data set of the product's size, written through the
 * API (provisionFleet, ingestReadings) and the agents' store. See scripts/README.md.
 */
import 'reflect-metadata';
import { ConfigError, loadConfig } from '../platform/config/environment.js';
import { createLogger } from '../platform/logger.js';
import { connectMongo, type Mongo } from '../platform/mongo/connect.js';
import { CredentialsError, credentialsFrom, type FleetCredentials } from './fleet/credentials.js';
import { parseSeedArgs, SeedOptionsError, USAGE, type SeedOptions } from './seed/options.js';
import { startSeedStack, type SeedStack } from './seed/own-stack.js';
import { progressPath, ProgressFile } from './seed/progress.js';
import { runSeed, type SeedRun, type SeedSummary } from './seed/run-seed.js';
import { SCALES } from './seed/scales.js';

async function main(): Promise<number> {
  let options: SeedOptions;
  try {
    const parsed = parseSeedArgs(process.argv.slice(2));
    if (parsed.help) {
      console.log(USAGE);
      return 0;
    }
    options = parsed.options;
  } catch (error) {
    if (!(error instanceof SeedOptionsError)) throw error;
    console.error(`${error.message}\n\n${USAGE}`);
    return 2;
  }
  const env = { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' };
  let config;
  try {
    config = loadConfig(env);
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : error);
    return 1;
  }
  const logger = createLogger({ level: config.LOG_LEVEL, service: 'seed' });
  const scale =
    options.centres === undefined ? SCALES[options.scale] : { ...SCALES[options.scale], centres: options.centres };
  const stop = new AbortController();
  process.on('SIGINT', () => {
    if (stop.signal.aborted) process.exit(130);
    console.error('\nstopping after the requests in flight (Ctrl-C again to quit at once); run again to resume');
    stop.abort();
  });

  let stack: SeedStack | undefined;
  let mongo: Mongo | undefined;
  try {
    let run: Omit<SeedRun, 'progress'>;
    if (options.url) {
      const credentials: FleetCredentials = credentialsFrom(options);
      const uri = options.mongodbUri ?? config.MONGODB_URI;
      if (uri) mongo = await connectMongo({ uri, dbPrefix: config.MONGODB_DB_PREFIX, logger, connectRetries: 2 });
      run = {
        url: options.url,
        scale,
        credentials,
        agentsDb: mongo?.db('agents') ?? null,
        // Health's progress is not visible per vehicle through the API; fleetAlerts shows the result.
        countAlerts: null,
      };
    } else {
      console.log(`starting the stack on ${config.MONGODB_URI ? 'MONGODB_URI' : `${config.DATA_DIR}/db`}...`);
      stack = await startSeedStack(config, scale, logger);
      run = {
        url: stack.url,
        scale,
        credentials: { apiKey: stack.apiKey },
        agentsDb: stack.agentsDb,
        centres: stack.centres,
        countAlerts: stack.countAlerts,
      };
    }
    const progress = ProgressFile.open(
      progressPath(config.DATA_DIR, scale.name, options.url ?? null),
      scale.name,
      options.url ?? 'local',
      options.restart,
    );
    const summary = await runSeed({
      ...run,
      progress,
      concurrency: options.concurrency,
      signal: stop.signal,
      log: options.quiet ? () => undefined : console.log,
    });
    console.log(`\n${report(summary)}`);
    return 0;
  } catch (error) {
    if (error instanceof CredentialsError) {
      console.error(error.message);
      return 2;
    }
    if (stop.signal.aborted) {
      console.error('seed stopped; run the same command again to resume');
      return 130;
    }
    console.error(`seed failed: ${(error as Error).message}`);
    return 1;
  } finally {
    await stack?.stop().catch((err: unknown) => console.error('stopping the stack failed', err));
    await mongo?.close().catch(() => undefined);
  }
}

function report(s: SeedSummary): string {
  const n = (x: number) => x.toLocaleString('en-US');
  return [
    `seeded scale ${s.scale} in ${(s.seconds / 60).toFixed(1)} min${s.resumed ? ' (resumed)' : ''}:`,
    `  fleet     ${n(s.fleet.ownersCreated)} customers, ${n(s.fleet.vehiclesCreated)} vehicles, ${n(s.fleet.devicesPaired)} dongles created by ${n(s.fleet.sent)} of ${n(s.fleet.requests)} requests (${s.fleet.seconds.toFixed(0)} s)`,
    `  readings  ${n(s.readings.stored)} stored by ${n(s.readings.sent)} of ${n(s.readings.uploads)} uploads for ${n(s.readings.vehicles)} vehicles (${s.readings.seconds.toFixed(0)} s)`,
    `  centres   ${s.centres.skipped ? 'skipped (listed only in the stack the seed starts)' : `${n(s.centres.created)} listed by ${n(s.centres.partners)} partners, ${n(s.centres.found)} already (${s.centres.seconds.toFixed(0)} s)`}`,
    `  decisions ${s.decisions.skipped ? 'skipped (no database access)' : `${n(s.decisions.written)} written of ${n(s.decisions.count)} (${s.decisions.seconds.toFixed(0)} s)`}`,
    `  alerts    ${s.alerts.counted === null ? 'not counted (fleetAlerts shows them)' : `${n(s.alerts.counted)} raised by health`} (planned ${n(s.alerts.planned)}, ${n(s.alerts.plannedOpen)} left open)`,
  ].join('\n');
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
