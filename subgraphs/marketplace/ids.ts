import { ObjectId } from 'mongodb';
import { BadUserInputError } from '../../platform/errors.js';
import { OBJECT_ID } from '../../platform/mongo/object-id.js';

/** A client-supplied id as an ObjectId; anything else is BAD_USER_INPUT naming the argument. */
export function parseId(id: string, field: string): ObjectId {
  if (typeof id !== 'string' || !OBJECT_ID.test(id)) throw new BadUserInputError(`${field} is not a valid id`, field);
  return new ObjectId(id);
}

export { toObjectId as toObjectIdOrNull } from '../../platform/mongo/object-id.js';
