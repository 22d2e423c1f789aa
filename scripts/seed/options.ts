import { parseArgs } from 'node:util';
import { z } from 'zod';
import { MAX_CENTRES, SCALES, type ScaleName } from './scales.js';

export const USAGE = `npm run seed -- --scale <small|seed> [flags]

  --scale NAME         small (200 customers, a minute or two) or seed (25,000 customers,
                       30,000 vehicles, 90 days of readings for 2,000, 10,000 decisions,
                       5,000 alerts); default small
  --url URL            seed the gateway running there (npm start); without it the seed starts
                       the stack itself, on the same data as npm start (DATA_DIR), and stops it
  --api-key KEY        with --url: an API key with fleet:provision (default CLUTCH_API_KEY), else
                       the admin ADMIN_EMAIL / ADMIN_PASSWORD (--admin-email overrides the email)
  --admin-email EMAIL
  --mongodb-uri URI    with --url: the stack's database (default MONGODB_URI, with MONGODB_DB_PREFIX),
                       for the decisions, which go through the agents' store; without it they are skipped
  --centres N          service centres to list around seven cities instead of the scale's (small 35,
                       seed 500; up to 100,000: 10000 for bench:marketplace's size). Listed through the
                       marketplace's own services as partners apply and an admin approves, in the
                       stack the seed starts (not with --url)
  --concurrency N      vehicles uploading readings at once (default 8, 1 to 64)
  --restart            forget what an earlier run did (its progress file) and start over
  --quiet              no status lines
  --help

Running it again resumes: what is done is skipped (.data/seed/ keeps the progress).`;

const optionsSchema = z.object({
  scale: z.enum(Object.keys(SCALES) as [ScaleName, ...ScaleName[]], '--scale is small or seed').default('small'),
  url: z.url({ protocol: /^https?$/, error: '--url must be an http(s) URL' }).optional(),
  apiKey: z.string().min(1).optional(),
  adminEmail: z.string().min(1).optional(),
  mongodbUri: z.string().min(1).optional(),
  concurrency: z.coerce
    .number('--concurrency must be a number')
    .int('--concurrency must be a whole number')
    .min(1, '--concurrency must be at least 1')
    .max(64, '--concurrency must be at most 64')
    .default(8),
  centres: z.coerce
    .number('--centres must be a number')
    .int('--centres must be a whole number')
    .min(0, '--centres must be at least 0')
    .max(MAX_CENTRES, `--centres must be at most ${MAX_CENTRES}`)
    .optional(),
  restart: z.boolean().default(false),
  quiet: z.boolean().default(false),
});
export type SeedOptions = z.output<typeof optionsSchema>;

export class SeedOptionsError extends Error {}

export function parseSeedArgs(argv: readonly string[]): { help: true } | { help: false; options: SeedOptions } {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        scale: { type: 'string' },
        url: { type: 'string' },
        'api-key': { type: 'string' },
        'admin-email': { type: 'string' },
        'mongodb-uri': { type: 'string' },
        concurrency: { type: 'string' },
        centres: { type: 'string' },
        restart: { type: 'boolean' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new SeedOptionsError((error as Error).message);
  }
  if (values.help) return { help: true };
  const parsed = optionsSchema.safeParse({
    scale: values.scale,
    url: values.url,
    apiKey: values['api-key'],
    adminEmail: values['admin-email'],
    mongodbUri: values['mongodb-uri'],
    concurrency: values.concurrency,
    centres: values.centres,
    restart: values.restart,
    quiet: values.quiet,
  });
  if (!parsed.success) throw new SeedOptionsError(parsed.error.issues.map((i) => i.message).join('\n'));
  return { help: false, options: parsed.data };
}
