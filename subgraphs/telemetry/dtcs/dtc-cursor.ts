import { BadUserInputError } from '../../../platform/errors.js';
import type { DtcPosition } from './dtc.store.js';

const CURSOR = /^dtc:(\d{1,15}):([PCBU][0-9A-F]{4})$/;

/** Opaque to clients: where a code stands in the "most recently seen first, then by code" order. */
export const encodeDtcCursor = ({ lastSeenAt, code }: DtcPosition): string =>
  Buffer.from(`dtc:${lastSeenAt.getTime()}:${code}`).toString('base64url');

export function decodeDtcCursor(cursor: string): DtcPosition {
  const match = CURSOR.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new BadUserInputError('after is not a valid cursor', 'after');
  return { lastSeenAt: new Date(Number(match[1])), code: match[2]! };
}
