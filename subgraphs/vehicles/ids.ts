import { ObjectId } from 'mongodb';
import { BadUserInputError } from '../../platform/errors.js';

const OBJECT_ID = /^[0-9a-f]{24}$/;

/** A client-supplied id as an ObjectId; anything else is BAD_USER_INPUT naming the argument. */
export function parseId(id: string, field: string): ObjectId {
  if (typeof id !== 'string' || !OBJECT_ID.test(id)) throw new BadUserInputError(`${field} is not a valid id`, field);
  return new ObjectId(id);
}

/** For lookups where a malformed id simply matches nothing (batches, internal routes). */
export const toObjectId = (id: string): ObjectId | null =>
  typeof id === 'string' && OBJECT_ID.test(id) ? new ObjectId(id) : null;
