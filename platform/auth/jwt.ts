import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import { UnauthenticatedError } from '../errors.js';
import { ROLES, type Role } from './viewer.js';

/** HS256 only: `none` and every other algorithm are refused on verification. */
const ALGORITHM = 'HS256' as const;
const ISSUER = 'clutch';

const accessClaims = z.object({
  sub: z.string().min(1),
  roles: z.array(z.enum(ROLES)),
  typ: z.literal('access'),
  // jsonwebtoken accepts a token without `exp` as valid forever; an access token must end.
  exp: z.number().int().positive(),
  /** The session (refresh-token family) the token was issued in: logging out ends it at the gateway. */
  sid: z.string().min(1).optional(),
});
export type AccessClaims = z.infer<typeof accessClaims>;

export function signAccessToken(
  secret: string,
  userId: string,
  roles: Role[],
  ttlSeconds: number,
  sessionId?: string,
): string {
  return jwt.sign({ roles, typ: 'access', ...(sessionId ? { sid: sessionId } : {}) }, secret, {
    algorithm: ALGORITHM,
    subject: userId,
    issuer: ISSUER,
    expiresIn: ttlSeconds,
  });
}

/**
 * Given a string, jsonwebtoken first tries to read it as a PEM public key, which throws, on
 * every verification; a ready KeyObject skips that (it was 2 % of the gateway's CPU).
 */
const secretKeys = new Map<string, KeyObject>();
function secretKey(secret: string): KeyObject {
  let key = secretKeys.get(secret);
  if (!key) secretKeys.set(secret, (key = createSecretKey(Buffer.from(secret, 'utf8'))));
  return key;
}

export function verifyAccessToken(secret: string, token: string): AccessClaims {
  let payload: unknown;
  try {
    payload = jwt.verify(token, secretKey(secret), { algorithms: [ALGORITHM], issuer: ISSUER });
  } catch (error) {
    const expired = error instanceof jwt.TokenExpiredError;
    throw new UnauthenticatedError(expired ? 'Access token expired' : 'Invalid access token');
  }
  const claims = accessClaims.safeParse(payload);
  if (!claims.success) throw new UnauthenticatedError('Invalid access token');
  return claims.data;
}
