import path from 'node:path';
import { parseArgs } from 'node:util';
import { SCALES, type ScaleName } from '../../../scripts/seed/scales.js';
import { wholeNumber, type LoadOptions } from '../options.js';

export interface ScaleBenchOptions extends LoadOptions {
  scale: ScaleName;
  /** Where the seeded data set lives (its database in db/, the seed's progress in seed/). */
  dataDir: string;
  /** Distinct customers the myVehicles load cycles through. */
  users: number;
  /** Seed all but the telemetry histories (and the alerts they raise) when the set is not complete. */
  skipReadings: boolean;
}

const DEFAULTS = { connections: 50, duration: 20, warmup: 3, users: 1000 };

/**
 * `--scale <small|seed> [--data-dir DIR] [--skip-readings] [--users 1000] [--connections 50]
 * [--duration 20] [--warmup 3]`.
 */
export function parseScaleOptions(argv: string[]): ScaleBenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      scale: { type: 'string' },
      'data-dir': { type: 'string' },
      'skip-readings': { type: 'boolean' },
      users: { type: 'string' },
      connections: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
    },
  });
  const scale = values.scale as ScaleName;
  if (!(scale in SCALES)) throw new Error(`--scale must be one of ${Object.keys(SCALES).join(', ')}, got "${scale}"`);
  return {
    scale,
    dataDir: path.resolve(values['data-dir'] ?? path.join('.data', 'bench', scale)),
    skipReadings: values['skip-readings'] === true,
    users: wholeNumber('users', values.users, DEFAULTS.users, 1),
    connections: wholeNumber('connections', values.connections, DEFAULTS.connections, 1),
    durationSeconds: wholeNumber('duration', values.duration, DEFAULTS.duration, 1),
    warmupSeconds: wholeNumber('warmup', values.warmup, DEFAULTS.warmup, 0),
  };
}
