import { parseArgs } from 'node:util';
import { wholeNumber, wholeNumbers } from '../options.js';

export interface LookupOptions {
  /** Collection sizes, measured in increasing order: the collection grows from one to the next. */
  docs: number[];
  /** Ids per call, in increasing order. */
  batches: number[];
  /** Bounds of the per-id lookups pending at once, one strategy each. */
  concurrencies: number[];
  /** Measured time per (size, batch, strategy); every cell takes at least a few calls. */
  millis: number;
  /**
   * A strategy whose last call time, scaled by the batch size, would exceed this is not run at
   * the larger batch (on FerretDB a call's time grows with the collection and the batch).
   */
  maxCallMillis: number;
}

const FULL: LookupOptions = {
  docs: [1000, 10_000, 50_000],
  batches: [1, 5, 50, 200, 500],
  concurrencies: [8, 16, 32],
  millis: 700,
  maxCallMillis: 3000,
};
const QUICK: LookupOptions = {
  ...FULL,
  docs: [1000, 5000],
  batches: [1, 5, 50, 500],
  concurrencies: [32],
  millis: 200,
};

/**
 * `--docs 1000,10000,50000 --batches 1,5,50,200,500 --concurrency 8,16,32 --millis 700
 * --max-call-millis 3000`, or `--quick`.
 */
export function parseLookupOptions(argv: string[]): LookupOptions {
  const { values: v } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean' },
      docs: { type: 'string' },
      batches: { type: 'string' },
      concurrency: { type: 'string' },
      millis: { type: 'string' },
      'max-call-millis': { type: 'string' },
    },
  });
  const base = v.quick ? QUICK : FULL;
  const ascending = (ns: number[]) => ns.sort((a, b) => a - b);
  const docs = ascending(wholeNumbers('docs', v.docs, base.docs));
  const batches = ascending(wholeNumbers('batches', v.batches, base.batches));
  if (batches[batches.length - 1] > docs[0]) throw new Error('--batches must not ask for more ids than --docs holds');
  return {
    docs,
    batches,
    concurrencies: wholeNumbers('concurrency', v.concurrency, base.concurrencies),
    millis: wholeNumber('millis', v.millis, base.millis, 1),
    maxCallMillis: wholeNumber('max-call-millis', v['max-call-millis'], base.maxCallMillis, 1),
  };
}
