import { parseArgs } from 'node:util';
import { wholeNumber, wholeNumbers } from '../options.js';

export interface StorageOptions {
  /** Collection sizes, in increasing order: the collection grows from one to the next. */
  docs: number[];
  /** Measured time per (database, size, query) after a warm-up call; at least `minCalls` calls. */
  millis: number;
  minCalls: number;
  /** Whether to measure upstream FerretDB (built on demand into .tools/ferretdb-stock) as the baseline. */
  stock: boolean;
}

const FULL: StorageOptions = { docs: [1000, 10_000, 100_000], millis: 1500, minCalls: 3, stock: true };
const QUICK: StorageOptions = { ...FULL, docs: [1000, 10_000], millis: 300 };

/** `--docs 1000,10000,100000 --millis 1500 --min-calls 3 --no-stock`, or `--quick`. */
export function parseStorageOptions(argv: string[]): StorageOptions {
  const { values: v } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean' },
      docs: { type: 'string' },
      millis: { type: 'string' },
      'min-calls': { type: 'string' },
      'no-stock': { type: 'boolean' },
    },
  });
  const base = v.quick ? QUICK : FULL;
  const docs = wholeNumbers('docs', v.docs, base.docs, 100).sort((a, b) => a - b);
  return {
    docs,
    millis: wholeNumber('millis', v.millis, base.millis, 1),
    minCalls: wholeNumber('min-calls', v['min-calls'], base.minCalls, 1),
    stock: !v['no-stock'],
  };
}
