import { ObjectId } from 'mongodb';

/** How ids are written in the API: the lowercase hex of an ObjectId. */
export const OBJECT_ID = /^[0-9a-f]{24}$/;

/** For lookups where a malformed id simply matches nothing (batches, internal routes). */
export const toObjectId = (id: string): ObjectId | null =>
  typeof id === 'string' && OBJECT_ID.test(id) ? new ObjectId(id) : null;
