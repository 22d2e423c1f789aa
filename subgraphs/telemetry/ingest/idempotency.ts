import { createHash } from 'node:crypto';
import type { Document } from 'mongodb';
import { ConflictError } from '../../../platform/errors.js';
import type { IdempotencyStore } from './idempotency.store.js';

/** How long a key is remembered (the retention job forgets older ones), as with most payment APIs. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 3_600_000;

export interface IdempotencyTiming {
  /** How long a retry waits for the first upload with its key to finish. */
  waitMs: number;
  pollMs: number;
  /** A pending claim untouched this long belongs to a process that died: it is released. */
  staleMs: number;
}

const DEFAULT_TIMING: IdempotencyTiming = { waitMs: 10_000, pollMs: 50, staleMs: 60_000 };

export const fingerprint = (request: unknown) => createHash('sha256').update(JSON.stringify(request)).digest('hex');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `work` at most once per (vehicle, key). The first caller inserts a pending claim (the
 * unique index decides between concurrent callers), runs the work and stores its result; the
 * others wait for that result and get it back marked as a duplicate. A failed run releases
 * its claim, so the client's retry stores the batch. If the process dies mid-run the claim is
 * released once stale; the dead run may have stored part of the batch, which is then stored
 * again: duplicates are possible only across a crash.
 */
export class Idempotency {
  private readonly timing: IdempotencyTiming;

  constructor(
    private readonly store: IdempotencyStore,
    timing: Partial<IdempotencyTiming> = {},
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.timing = { ...DEFAULT_TIMING, ...timing };
  }

  async run<T extends Document>(
    vehicleId: string,
    key: string,
    request: unknown,
    work: () => Promise<T>,
  ): Promise<{ value: T; duplicate: boolean }> {
    const print = fingerprint(request);
    const deadline = Date.now() + this.timing.waitMs;
    for (;;) {
      const id = await this.store.insertClaim(vehicleId, key, print, this.clock());
      if (id) {
        let value: T;
        try {
          value = await work();
        } catch (error) {
          await this.store.release(id).catch(() => undefined);
          throw error;
        }
        await this.store.complete(id, value, this.clock());
        return { value, duplicate: false };
      }

      const existing = await this.store.find(vehicleId, key);
      if (existing) {
        if (existing.fingerprint !== print)
          throw new ConflictError('This idempotencyKey was already used for a different upload');
        if (existing.state === 'done') return { value: existing.result as T, duplicate: true };
        const staleBefore = new Date(this.clock().getTime() - this.timing.staleMs);
        if (existing.updatedAt < staleBefore) {
          // The claim is deleted at most once, whoever sees it stale first; then all race to insert again.
          await this.store.releaseIfStale(existing._id, staleBefore);
          continue;
        }
      }
      if (Date.now() >= deadline)
        throw new ConflictError('An upload with this idempotencyKey is still in progress; retry shortly');
      await sleep(this.timing.pollMs);
    }
  }
}
