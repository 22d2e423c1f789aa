import type { Collection, Filter, ObjectId, WithId } from 'mongodb';
import { mapBounded } from '../async/map-bounded.js';

/** One id type per collection: ids are told apart by their string form. */
type Id = ObjectId | string;

export interface FindManyByIdOptions {
  /** Up to this many distinct ids are looked up one `_id` equality each; more go in one `$in`. */
  perIdUpTo?: number;
  /** Per-id lookups pending at once: each holds a pooled connection that other requests share. */
  concurrency?: number;
}

/*
 * Why two strategies: FerretDB 1.24 on SQLite (the embedded and test database) pushes only a
 * plain `_id` equality down to SQLite, where it is an index search (with the index fix that
 * scripts/install-ferretdb.sh applies); `{ _id: { $in: [...] } }` is not pushed down, so FerretDB
 * reads and decodes the whole collection for it, whatever the batch. Measured with
 * `npm run bench:lookups` (2 cores): per-id lookups answer ~6,000 ids/s whatever the collection
 * size, while one `$in` takes ~40 ms at 1,000 documents, ~350 ms at 10,000 and ~1.7 s at 50,000.
 * Per-id is the faster strategy up to ~350 ids at 1,000 documents and at every batch up to 500
 * (the most any caller asks for) from 10,000 documents on, so batches up to 500 go per id. Larger
 * ones (none today) use `$in`: one round trip instead of hundreds. On MongoDB both are `_id` index
 * searches; per-id only adds round trips (not measured here: no mongod on the bench machine).
 *
 * Bounding the per-id lookups changes nothing measurable on FerretDB (8, 16, 32 at a time, or all
 * at once, are equally fast: the database's CPU is the limit, and the pool of 20 connections
 * already caps what reaches the wire); the bound keeps one batch from holding every pooled
 * connection while other requests wait for one.
 */
export const PER_ID_UP_TO = 500;
export const PER_ID_CONCURRENCY = 16;

/**
 * The documents with these ids, in the order of `ids`: a duplicate id gets the same document
 * again, and an id that matches nothing, or is null (a malformed id the caller could not cast),
 * gets null.
 */
export async function findManyById<T extends { _id: Id }>(
  collection: Collection<T>,
  ids: readonly (T['_id'] | null)[],
  { perIdUpTo = PER_ID_UP_TO, concurrency = PER_ID_CONCURRENCY }: FindManyByIdOptions = {},
): Promise<(WithId<T> | null)[]> {
  const distinct = [...new Map(ids.filter((id) => id !== null).map((id) => [String(id), id])).values()];
  let docs: (WithId<T> | null)[] = [];
  if (distinct.length > perIdUpTo) {
    docs = await collection.find({ _id: { $in: distinct } } as Filter<T>).toArray();
  } else if (distinct.length > 0) {
    docs = await mapBounded(distinct, concurrency, (id) => collection.findOne({ _id: id } as Filter<T>));
  }
  const byId = new Map(docs.filter((d) => d !== null).map((d) => [String(d._id), d]));
  return ids.map((id) => (id === null ? null : (byId.get(String(id)) ?? null)));
}
