import { randomInt } from 'node:crypto';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { FAULTS, type Fault, type FaultSpec } from './faults.js';

export const DEFAULT_URL = 'http://127.0.0.1:4000/graphql';

export const USAGE = `npm run simulate -- [flags]

  --url URL            gateway GraphQL endpoint (default ${DEFAULT_URL})
  --vehicles N         simulated vehicles, one owner account each (default 5, at most 1000)
  --hz F               polling rounds per vehicle per second (default 1; 0.1 to 20)
  --duration S         stop after S seconds of streaming (default: until Ctrl-C)
  --fault F[:SHARE]    inject a fault: ${FAULTS.join(', ')}; into every vehicle, or into a
                       share of them (overheat:0.2); repeatable
  --seed N             replay the same drive cycles, faults and frames (default: random, printed)
  --batch N            polling rounds per upload, each its own ingestObdFrames, as a dongle that
                       uploads late (default 1, at most 100)
  --upload-every S     buffer the rounds and upload them every S seconds as one ingestObdRounds (each
                       round with its own time; 0.1 to 120). Default: every round is uploaded as it is
                       taken, as one ingestObdFrames (or --batch of them)
  --concurrency N      uploads in flight at once across all vehicles (default 8, at most 256)
  --api-key KEY        set the fleet up with this API key (scope fleet:provision; default: CLUTCH_API_KEY),
                       else as the admin ADMIN_EMAIL / ADMIN_PASSWORD (--admin-email overrides the email)
  --admin-email EMAIL
  --book               drivers book a service when their car raises a health alert (the nearest centre
                       that offers what fixes it, an idempotency key and the alert's id), and a simulated
                       garage confirms, starts and completes the bookings; needs the admin (ADMIN_EMAIL,
                       ADMIN_PASSWORD) to approve the garage, and registers the drivers of faulty cars
                       (at most 25: the gateway meters registrations per IP). Default: off
  --quiet              no status lines, only the summary
  --help`;

const FLAG_NAMES: Record<string, string> = {
  durationSeconds: 'duration',
  faults: 'fault',
  apiKey: 'api-key',
  uploadEverySeconds: 'upload-every',
  adminEmail: 'admin-email',
};

const whole = (flag: string, min: number, max: number) =>
  z.coerce
    .number(`--${flag} must be a number`)
    .int(`--${flag} must be a whole number`)
    .min(min, `--${flag} must be at least ${min}`)
    .max(max, `--${flag} must be at most ${max}`);

const faultObject = z.object({ fault: z.enum(FAULTS), fraction: z.number().gt(0).max(1) });

/** "misfire" or "overheat:0.2" from the command line, or { fault, fraction } from code. */
const faultSpec = z.unknown().transform((value, ctx): FaultSpec => {
  if (typeof value !== 'string') {
    const parsed = faultObject.safeParse(value);
    if (parsed.success) return parsed.data;
    ctx.addIssue({ code: 'custom', message: `--fault: expected { fault: ${FAULTS.join(' | ')}, fraction: (0, 1] }` });
    return z.NEVER;
  }
  const [name, share, ...rest] = value.trim().split(':');
  const fraction = share === undefined ? 1 : Number(share);
  if (!(FAULTS as readonly string[]).includes(name) || rest.length > 0) {
    ctx.addIssue({ code: 'custom', message: `--fault "${value}": the fault is one of ${FAULTS.join(', ')}` });
    return z.NEVER;
  }
  if (share !== undefined && (share.trim() === '' || !(fraction > 0 && fraction <= 1))) {
    ctx.addIssue({
      code: 'custom',
      message: `--fault "${value}": the share is a number above 0 and at most 1, such as ${name}:0.2`,
    });
    return z.NEVER;
  }
  return { fault: name as Fault, fraction };
});

export const simulationOptionsSchema = z.object({
  url: z
    .url({ protocol: /^https?$/, error: '--url must be an http(s) URL, such as ' + DEFAULT_URL })
    .default(DEFAULT_URL),
  vehicles: whole('vehicles', 1, 1000).default(5),
  hz: z.coerce
    .number('--hz must be a number')
    .min(0.1, '--hz must be at least 0.1')
    .max(20, '--hz must be at most 20')
    .default(1),
  durationSeconds: z.coerce
    .number('--duration must be a number of seconds')
    .gt(0, '--duration must be above 0')
    .optional(),
  faults: z.array(faultSpec).default([]),
  seed: whole('seed', 0, 2 ** 32 - 1).default(() => randomInt(2 ** 31)),
  batch: whole('batch', 1, 100).default(1),
  uploadEverySeconds: z.coerce
    .number('--upload-every must be a number of seconds')
    .min(0.1, '--upload-every must be at least 0.1')
    .max(120, '--upload-every must be at most 120')
    .optional(),
  concurrency: whole('concurrency', 1, 256).default(8),
  /** --book: drivers book services for their cars' alerts, a simulated garage does the work. */
  book: z.boolean().default(false),
  quiet: z.boolean().default(false),
  /** Who provisions the fleet (see scripts/fleet/credentials.ts); the environment when left out. */
  apiKey: z.string().min(1, '--api-key must not be empty').optional(),
  adminEmail: z.string().min(1, '--admin-email must not be empty').optional(),
  adminPassword: z.string().min(1).optional(),
});

/** What runSimulation accepts: any flag may be left out; faults as objects or as "misfire:0.5". */
export type SimulationInput = Omit<z.input<typeof simulationOptionsSchema>, 'faults'> & {
  faults?: readonly (string | FaultSpec)[];
};
export type SimulationSettings = z.output<typeof simulationOptionsSchema>;

export class OptionsError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'OptionsError';
  }
}

export function validateOptions(input: SimulationInput): SimulationSettings {
  const parsed = simulationOptionsSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new OptionsError(
    parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '');
      // Our messages name their flag; zod's own (a wrong type from code) get it prefixed.
      return issue.message.startsWith('--') ? issue.message : `--${FLAG_NAMES[key] ?? key}: ${issue.message}`;
    }),
  );
}

export type ParsedArgs = { help: true } | { help: false; settings: SimulationSettings };

/** Command-line flags to validated settings; an unknown or malformed flag is an OptionsError. */
export function parseSimulatorArgs(argv: readonly string[]): ParsedArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        url: { type: 'string' },
        vehicles: { type: 'string' },
        hz: { type: 'string' },
        duration: { type: 'string' },
        fault: { type: 'string', multiple: true },
        seed: { type: 'string' },
        batch: { type: 'string' },
        'upload-every': { type: 'string' },
        concurrency: { type: 'string' },
        'api-key': { type: 'string' },
        'admin-email': { type: 'string' },
        book: { type: 'boolean' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new OptionsError([(error as Error).message]);
  }
  if (values.help) return { help: true };
  const {
    duration,
    fault,
    'api-key': apiKey,
    'admin-email': adminEmail,
    'upload-every': uploadEvery,
    ...rest
  } = values;
  if (uploadEvery !== undefined && rest.batch !== undefined)
    throw new OptionsError(['--batch and --upload-every: choose one (--upload-every sends the rounds together)']);
  return {
    help: false,
    settings: validateOptions({
      ...rest,
      durationSeconds: duration,
      faults: fault,
      apiKey,
      adminEmail,
      uploadEverySeconds: uploadEvery,
    }),
  };
}
