import { parseArgs } from 'node:util';

export interface LoadOptions {
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
}

const DEFAULTS = { connections: 50, duration: 20, warmup: 3 };

/** A flag's whole-number value, `fallback` when absent; anything else below `min` stops the run. */
export function wholeNumber(flag: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${flag} must be a whole number >= ${min}, got "${value}"`);
  return n;
}

/** A flag's list of whole numbers (`1,100,1000`), `fallback` when absent; anything else stops the run. */
export function wholeNumbers(flag: string, value: string | undefined, fallback: number[], min = 1): number[] {
  if (value === undefined) return fallback;
  const parsed = value.split(',').map((v) => Number(v.trim()));
  if (parsed.some((n) => !Number.isInteger(n) || n < min)) {
    throw new Error(`--${flag} must be whole numbers >= ${min} separated by commas, got "${value}"`);
  }
  return parsed;
}

/** `--connections 50 --duration 20 --warmup 3` (seconds), each optional. */
export function parseLoadOptions(argv: string[]): LoadOptions {
  const { values } = parseArgs({
    args: argv,
    options: { connections: { type: 'string' }, duration: { type: 'string' }, warmup: { type: 'string' } },
  });
  return {
    connections: wholeNumber('connections', values.connections, DEFAULTS.connections, 1),
    durationSeconds: wholeNumber('duration', values.duration, DEFAULTS.duration, 1),
    warmupSeconds: wholeNumber('warmup', values.warmup, DEFAULTS.warmup, 0),
  };
}
