import type { Collection, Document, Filter } from 'mongodb';

/**
 * How many documents match `filter`. An empty filter is answered from the collection's metadata
 * (`estimatedDocumentCount`: exact on a single server or replica set, barring an unclean
 * shutdown) instead of reading every document; any other filter is counted from its index.
 */
export function countMatching<T extends Document>(collection: Collection<T>, filter: Filter<T>): Promise<number> {
  return Object.keys(filter).length === 0 ? collection.estimatedDocumentCount() : collection.countDocuments(filter);
}
