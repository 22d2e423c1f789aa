import type { Collection, WithId } from 'mongodb';
import { PerTurnBatch } from '../async/per-turn-batch.js';
import { findManyById, IN_BATCH_SIZE } from './find-many-by-id.js';

type Id = Parameters<typeof findManyById>[1][number];

/**
 * `findManyById` for concurrent requests, sent together (PerTurnBatch): the ids every caller
 * asks for within one event-loop turn go out as one read. A request's DataLoader batches its own
 * ids; this batches across requests. Each call reads the database afresh.
 */
export class CoalescedReads<T extends { _id: NonNullable<Id> }> {
  private readonly batch: PerTurnBatch<T['_id'] | null, WithId<T> | null>;

  constructor(collection: Collection<T>, batchSize = IN_BATCH_SIZE) {
    this.batch = new PerTurnBatch((ids) => findManyById(collection, ids, batchSize));
  }

  /** As findManyById: in the order of `ids`, null for an id that matches nothing or is null. */
  findManyById(ids: readonly (T['_id'] | null)[]): Promise<(WithId<T> | null)[]> {
    return this.batch.get(ids);
  }
}
