import type { IncomingHttpHeaders } from 'node:http';
import { verifyAccessToken } from '../../platform/auth/jwt.js';
import type { Viewer } from '../../platform/auth/viewer.js';
import { UnauthenticatedError } from '../../platform/errors.js';
import type { ApiKeyVerifier } from './api-key-verifier.js';

export interface Credentials {
  authorization?: string;
  apiKey?: string;
}

export const credentialsFromHeaders = (headers: IncomingHttpHeaders): Credentials => ({
  authorization: typeof headers.authorization === 'string' ? headers.authorization : undefined,
  apiKey: typeof headers['x-api-key'] === 'string' ? headers['x-api-key'] : undefined,
});

/**
 * No credentials means an anonymous caller. Credentials that do not verify are an error,
 * never a silent downgrade to anonymous: a client with a stale token must learn it.
 */
export async function authenticate(
  { authorization, apiKey }: Credentials,
  jwtSecret: string,
  apiKeys: ApiKeyVerifier,
): Promise<Viewer | undefined> {
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match) throw new UnauthenticatedError('Authorization must be "Bearer <token>"');
    const claims = verifyAccessToken(jwtSecret, match[1]!);
    return { kind: 'user', userId: claims.sub, roles: claims.roles };
  }
  if (apiKey) {
    const viewer = await apiKeys.verify(apiKey.trim());
    if (!viewer) throw new UnauthenticatedError('Invalid API key');
    return viewer;
  }
  return undefined;
}
