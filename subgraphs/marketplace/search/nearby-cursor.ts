import { BadUserInputError } from '../../../platform/errors.js';
import { OBJECT_ID } from '../../../platform/mongo/object-id.js';

/** Where a page of a nearby search ended: the last centre's exact distance, then its id (ties). */
export interface NearbyPosition {
  distanceKm: number;
  id: string;
}

/** Opaque to clients: base64url of `<distance>:<id>`, the distance as JavaScript prints it (round-trips exactly). */
export const encodeNearbyCursor = ({ distanceKm, id }: NearbyPosition) =>
  Buffer.from(`${distanceKm}:${id}`).toString('base64url');

export function decodeNearbyCursor(cursor: string): NearbyPosition {
  const text =
    typeof cursor === 'string' && cursor.length <= 100 ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const match = /^([0-9.e+-]+):([0-9a-f]{24})$/.exec(text);
  const distanceKm = match ? Number(match[1]) : Number.NaN;
  if (!match || !Number.isFinite(distanceKm) || distanceKm < 0 || !OBJECT_ID.test(match[2]!)) {
    throw new BadUserInputError('after is not a valid cursor', 'after');
  }
  return { distanceKm, id: match[2]! };
}

/** Orders by distance, then id: a total order, so pages neither skip nor repeat a centre. */
export const compareNearby = (a: NearbyPosition, b: NearbyPosition) =>
  a.distanceKm - b.distanceKm || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
