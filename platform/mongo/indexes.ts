import type { Collection, CreateIndexesOptions, Document, IndexSpecification } from 'mongodb';

export interface IndexDeclaration {
  key: IndexSpecification;
  options?: CreateIndexesOptions;
}

/** Stores declare their indexes next to their queries and call this once at start-up. */
export async function ensureIndexes<T extends Document>(
  collection: Collection<T>,
  indexes: IndexDeclaration[],
): Promise<void> {
  for (const { key, options } of indexes) {
    await collection.createIndex(key, options ?? {});
  }
}
