import type { LoadResult } from './load.js';
import { startWorker } from './worker.js';

/*
 * Load where consecutive requests differ: each one takes the next of `variants` (a user's token
 * and query, say), round-robin over every connection, so that 1,000 users are served in turn
 * instead of one user 1,000 times (whose answers every cache would hold).
 */

export interface Variant {
  headers: Record<string, string>;
  body: string;
  /**
   * What a correct answer contains (the user's email, their VINs): a body without all of them,
   * with GraphQL errors, or with a non-2xx status is a failure. Not the exact bytes, because
   * figures computed at request time (a health score) may move between two answers.
   */
  mustInclude: string[];
}

export interface VariantLoadSettings {
  url: string;
  variants: Variant[];
  connections: number;
  durationSeconds: number;
  /** A run before the measured one whose figures are thrown away (JIT, pools, caches). */
  warmupSeconds: number;
}

export interface VariantLoadResult extends LoadResult {
  /** How many different variants the measured run sent (all of them, unless it was too short). */
  variantsSent: number;
}

/** Runs one load test in a separate process (see variant-load-process.ts) and returns its figures. */
export async function runVariantLoad(settings: VariantLoadSettings): Promise<VariantLoadResult> {
  const worker = startWorker<VariantLoadSettings>('bench/lib/variant-load-process.ts');
  try {
    return await worker.call<VariantLoadResult>(settings);
  } finally {
    await worker.stop();
  }
}

/** Why `body` is not a correct answer for `variant`, or null when it is. */
export function wrongAnswer(status: number, body: string, variant: Pick<Variant, 'mustInclude'>): string | null {
  if (status < 200 || status >= 300) return `HTTP ${status}`;
  if (body.includes('"errors"')) return 'GraphQL errors';
  const missing = variant.mustInclude.find((s) => !body.includes(s));
  return missing === undefined ? null : `no ${missing}`;
}
