import type { IncomingHttpHeaders } from 'node:http';
import { verifyAccessToken } from '../../platform/auth/jwt.js';
import type { Viewer } from '../../platform/auth/viewer.js';
import { UnauthenticatedError } from '../../platform/errors.js';
import { CredentialVerifier } from './credential-verifier.js';

export interface Credentials {
  authorization?: string;
  apiKey?: string;
}

export const credentialsFromHeaders = (headers: IncomingHttpHeaders | Record<string, unknown>): Credentials => ({
  authorization: typeof headers.authorization === 'string' ? headers.authorization : undefined,
  apiKey: typeof headers['x-api-key'] === 'string' ? headers['x-api-key'] : undefined,
});

/** OBD device tokens are bearer tokens with this prefix; the vehicles subgraph owns them. */
export const DEVICE_TOKEN_PREFIX = 'dt_';

export interface Authenticator {
  authenticate(credentials: Credentials): Promise<Viewer | undefined>;
}

export interface AuthenticatorOptions {
  jwtSecret: string;
  internalSecret: string;
  cacheSeconds: number;
  /** Subgraph name → its /graphql URL; identity and vehicles own the non-JWT credentials. */
  subgraphUrls: Record<string, string>;
}

const internalUrl = (graphqlUrl: string | undefined, path: string) =>
  graphqlUrl ? `${new URL(graphqlUrl).origin}${path}` : undefined;

export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const verifier = <T>(subgraph: string, path: string, toViewer: (b: Record<string, unknown>) => T | null) => {
    const url = internalUrl(options.subgraphUrls[subgraph], path);
    return url
      ? new CredentialVerifier<T>({
          url,
          internalSecret: options.internalSecret,
          cacheSeconds: options.cacheSeconds,
          toViewer,
        })
      : undefined;
  };
  const apiKeys = verifier<Viewer>('identity', '/internal/api-keys/verify', (b) =>
    typeof b.keyId === 'string' && typeof b.ownerId === 'string'
      ? {
          kind: 'apiKey',
          keyId: b.keyId,
          ownerId: b.ownerId,
          scopes: Array.isArray(b.scopes) ? b.scopes.map(String) : [],
        }
      : null,
  );
  const devices = verifier<Viewer>('vehicles', '/internal/devices/verify', (b) =>
    typeof b.deviceId === 'string' && typeof b.vehicleId === 'string'
      ? { kind: 'device', deviceId: b.deviceId, vehicleId: b.vehicleId }
      : null,
  );

  return {
    /**
     * No credentials means an anonymous caller. Credentials that do not verify are an error,
     * never a silent downgrade to anonymous: a client with a stale token must learn it.
     */
    async authenticate({ authorization, apiKey }) {
      if (authorization) {
        const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
        if (!match) throw new UnauthenticatedError('Authorization must be "Bearer <token>"');
        const token = match[1]!;
        if (token.startsWith(DEVICE_TOKEN_PREFIX)) {
          const device = await devices?.verify(token);
          if (!device) throw new UnauthenticatedError('Invalid device token');
          return device;
        }
        const claims = verifyAccessToken(options.jwtSecret, token);
        return { kind: 'user', userId: claims.sub, roles: claims.roles };
      }
      if (apiKey) {
        const viewer = await apiKeys?.verify(apiKey.trim());
        if (!viewer) throw new UnauthenticatedError('Invalid API key');
        return viewer;
      }
      return undefined;
    },
  };
}
