import type { Collection, Filter, ObjectId, WithId } from 'mongodb';

/** One id type per collection: ids are told apart by their string form. */
type Id = ObjectId | string;

/**
 * The most ids one query asks for: an `$in` of them is one index search per id on MongoDB (and on
 * the embedded database), and a bounded list keeps one query's size and time bounded whatever a
 * caller passes. Loaders batch up to this many (DataLoader's maxBatchSize).
 */
export const IN_BATCH_SIZE = 500;

/**
 * The documents with these ids, in the order of `ids`: a duplicate id gets the same document
 * again, and an id that matches nothing, or is null (a malformed id the caller could not cast),
 * gets null. One `{ _id: { $in } }` per IN_BATCH_SIZE distinct ids.
 */
export async function findManyById<T extends { _id: Id }>(
  collection: Collection<T>,
  ids: readonly (T['_id'] | null)[],
  batchSize = IN_BATCH_SIZE,
): Promise<(WithId<T> | null)[]> {
  const distinct = [...new Map(ids.filter((id) => id !== null).map((id) => [String(id), id])).values()];
  const docs: WithId<T>[] = [];
  for (let i = 0; i < distinct.length; i += batchSize) {
    const batch = distinct.slice(i, i + batchSize);
    docs.push(...(await collection.find({ _id: { $in: batch } } as Filter<T>).toArray()));
  }
  const byId = new Map(docs.map((d) => [String(d._id), d]));
  return ids.map((id) => (id === null ? null : (byId.get(String(id)) ?? null)));
}
