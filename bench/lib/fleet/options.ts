import { randomInt } from 'node:crypto';
import { parseArgs } from 'node:util';
import { wholeNumber } from '../options.js';

export interface FleetOptions {
  vehicles: number;
  hz: number;
  /** Each dongle uploads its buffered rounds every so many seconds as one ingestObdRounds; null: every round as it is taken (one ingestObdFrames). */
  uploadEverySeconds: number | null;
  durationSeconds: number;
  /** Length of one row of figures; a minute by default. */
  windowSeconds: number;
  /** An existing stack's gateway (/graphql); the bench starts its own when absent. */
  url: string | null;
  /** Who provisions the fleet on an existing stack (else ADMIN_EMAIL / ADMIN_PASSWORD). */
  apiKey: string | null;
  seed: number;
  /** Write a V8 CPU profile of the system process (its own stack only) into this folder. */
  cpuProfileDir: string | null;
  /** Time every database command of the system by statement (costs the system a little). */
  dbCommands: boolean;
}

export const USAGE = `npm run bench:fleet -- [flags]

  --vehicles N      simulated dongles, one owner and a paired device each (default 1000)
  --hz F            polling rounds per dongle per second (default 1)
  --upload-every S  each dongle uploads the rounds it took every S seconds as one ingestObdRounds
                    (0.1 to 120; default: every round as it is taken, as one ingestObdFrames)
  --duration S      seconds of streaming (default 600)
  --window S        seconds per row of figures (default 60)
  --url URL         an existing stack's gateway instead of one started here; provisions with
                    --api-key KEY (fleet:provision) or ADMIN_EMAIL / ADMIN_PASSWORD, and counts
                    stored readings in MONGODB_URI's database when that is set
  --seed N          replay the same drive cycles and frames (default random, printed)
  --cpu-prof [DIR]  write a CPU profile of the system process (default bench/results/profiles)
  --db-commands     time the system's database commands by statement and print the costliest`;

export function parseFleetOptions(argv: string[]): FleetOptions {
  // --cpu-prof takes an optional folder: a bare flag is rewritten to carry the default.
  const args = argv.flatMap((arg, i) =>
    arg === '--cpu-prof' && (argv[i + 1] === undefined || argv[i + 1].startsWith('--'))
      ? ['--cpu-prof', 'bench/results/profiles']
      : [arg],
  );
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      vehicles: { type: 'string' },
      hz: { type: 'string' },
      'upload-every': { type: 'string' },
      duration: { type: 'string' },
      window: { type: 'string' },
      url: { type: 'string' },
      'api-key': { type: 'string' },
      seed: { type: 'string' },
      'cpu-prof': { type: 'string' },
      'db-commands': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const hz = values.hz === undefined ? 1 : Number(values.hz);
  if (!(hz >= 0.1 && hz <= 20)) throw new Error(`--hz must be a number from 0.1 to 20, got "${values.hz}"`);
  const uploadEvery = values['upload-every'] === undefined ? null : Number(values['upload-every']);
  if (uploadEvery !== null && !(uploadEvery >= 0.1 && uploadEvery <= 120))
    throw new Error(`--upload-every must be a number of seconds from 0.1 to 120, got "${values['upload-every']}"`);
  if (values.url !== undefined && (values['cpu-prof'] !== undefined || values['db-commands']))
    throw new Error('--cpu-prof and --db-commands look into the system this bench starts: not with --url');
  return {
    vehicles: wholeNumber('vehicles', values.vehicles, 1000, 1),
    hz,
    uploadEverySeconds: uploadEvery,
    durationSeconds: wholeNumber('duration', values.duration, 600, 1),
    windowSeconds: wholeNumber('window', values.window, 60, 1),
    url: values.url ?? null,
    apiKey: values['api-key'] ?? null,
    seed: wholeNumber('seed', values.seed, randomInt(2 ** 31), 0),
    cpuProfileDir: values['cpu-prof'] ?? null,
    dbCommands: values['db-commands'] ?? false,
  };
}
