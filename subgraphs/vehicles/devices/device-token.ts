import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ObjectId } from 'mongodb';

/**
 * `dt_<device id, 24 hex>_<secret: 32 random bytes, base64url>`. The id finds the record
 * without a scan; only a hash of the secret is stored. The secret has 256 bits of entropy,
 * so a fast hash is enough (no password hashing needed).
 */
const TOKEN_FORMAT = /^dt_([0-9a-f]{24})_([A-Za-z0-9_-]{43})$/;

export const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

export function issueDeviceToken(deviceId: ObjectId): { token: string; secretHash: string } {
  const secret = randomBytes(32).toString('base64url');
  return { token: `dt_${deviceId.toHexString()}_${secret}`, secretHash: hashSecret(secret) };
}

/** Null for anything that is not shaped like a device token. */
export function parseDeviceToken(token: unknown): { deviceId: ObjectId; secret: string } | null {
  if (typeof token !== 'string') return null;
  const match = TOKEN_FORMAT.exec(token);
  return match ? { deviceId: new ObjectId(match[1]), secret: match[2]! } : null;
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const given = Buffer.from(hashSecret(secret));
  const stored = Buffer.from(storedHash);
  return given.length === stored.length && timingSafeEqual(given, stored);
}
