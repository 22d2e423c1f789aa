import type { Collection, Document, OptionalUnlessRequiredId } from 'mongodb';

/** MongoDB's error code for a write that collides with a unique index (E11000). */
export const DUPLICATE_KEY = 11000;

/**
 * Whether a write failed because a unique index already holds its key: the usual sign that
 * another writer got there first. Bulk writes carry the code too when their first failure is one.
 */
export const isDuplicateKey = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === DUPLICATE_KEY;

/** Inserts `doc`; false, with nothing written, when a unique index already holds its key (another writer won). */
export async function insertUnlessTaken<T extends Document>(
  collection: Collection<T>,
  doc: OptionalUnlessRequiredId<T>,
): Promise<boolean> {
  try {
    await collection.insertOne(doc);
    return true;
  } catch (error) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
}
