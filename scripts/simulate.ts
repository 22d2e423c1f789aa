/**
 * `npm run simulate -- --vehicles 50 --hz 1`: OBD-II dongles for a fleet of simulated cars,
 * streaming ELM327 frames through the gateway. The demo and the load generator; see
 * scripts/README.md for the flags.
 */
import { CredentialsError } from './fleet/credentials.js';
import { OptionsError, parseSimulatorArgs, USAGE } from './simulator/options.js';
import { DEFAULT_FLUSH_GRACE_SECONDS, runSimulation } from './simulator/run-simulation.js';
import { formatSummary } from './simulator/summary.js';

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseSimulatorArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof OptionsError)) throw error;
    console.error(`${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.help) {
    console.log(USAGE);
    return 0;
  }

  const stop = new AbortController();
  const interrupt = () => {
    if (stop.signal.aborted) {
      console.error('\nstopping now, without waiting for uploads in flight');
      process.exit(130);
    }
    console.error(
      `\nstopping: finishing uploads for up to ${DEFAULT_FLUSH_GRACE_SECONDS} s (Ctrl-C again to quit at once)...`,
    );
    stop.abort();
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);

  try {
    const summary = await runSimulation({ ...parsed.settings, signal: stop.signal });
    console.log(`\n${formatSummary(summary)}`);
    return 0;
  } catch (error) {
    if (error instanceof CredentialsError) {
      console.error(error.message);
      return 2;
    }
    console.error(`simulation failed: ${(error as Error).message}`);
    if (/NETWORK|ECONNREFUSED/.test((error as Error).message))
      console.error('is Clutch running there? `npm start` starts it');
    return 1;
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
