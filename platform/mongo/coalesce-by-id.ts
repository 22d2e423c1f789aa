import { findManyById, IN_BATCH_SIZE } from './find-many-by-id.js';
import type { Collection, WithId } from 'mongodb';

type Id = Parameters<typeof findManyById>[1][number];

/**
 * Reads by id from concurrent requests, sent together: the ids every caller asks for within one
 * turn of the event loop (until its check phase) go out as one `findManyById`, instead of a
 * round trip per request. A request's DataLoader batches its own ids; this batches across
 * requests, which a busy subgraph receives many of per turn. Nothing is kept: each call reads
 * the database afresh, so it adds no staleness, and each caller gets only the ids it asked for.
 * Documents may be shared by callers that asked for the same id; callers must not mutate them.
 */
export class CoalescedReads<T extends { _id: NonNullable<Id> }> {
  private pending: {
    ids: readonly (T['_id'] | null)[];
    resolve(docs: (WithId<T> | null)[]): void;
    reject(error: unknown): void;
  }[] = [];

  constructor(
    private readonly collection: Collection<T>,
    private readonly batchSize = IN_BATCH_SIZE,
  ) {}

  /** As findManyById: in the order of `ids`, null for an id that matches nothing or is null. */
  findManyById(ids: readonly (T['_id'] | null)[]): Promise<(WithId<T> | null)[]> {
    return new Promise((resolve, reject) => {
      if (this.pending.length === 0) setImmediate(() => void this.flush());
      this.pending.push({ ids, resolve, reject });
    });
  }

  private async flush(): Promise<void> {
    const waiting = this.pending;
    this.pending = [];
    try {
      const docs = await findManyById(
        this.collection,
        waiting.flatMap((w) => w.ids),
        this.batchSize,
      );
      let offset = 0;
      for (const w of waiting) w.resolve(docs.slice(offset, (offset += w.ids.length)));
    } catch (error) {
      for (const w of waiting) w.reject(error);
    }
  }
}
