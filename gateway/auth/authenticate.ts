import type { IncomingHttpHeaders } from 'node:http';
import { verifyAccessToken } from '../../platform/auth/jwt.js';
import type { Viewer } from '../../platform/auth/viewer.js';
import { UnauthenticatedError } from '../../platform/errors.js';
import { CredentialVerifier } from './credential-verifier.js';
import { revokes, type GatewayRevocations } from './revocations.js';

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

/** A verified credential: who it speaks for, and for how long. */
export interface Authentication {
  viewer: Viewer;
  /** Epoch ms when the credential stops being valid by itself (a JWT's `exp`, an API key's expiry). */
  expiresAt?: number;
  /** The session (refresh-token family) of a JWT; logout revokes it. */
  sessionId?: string;
}

export interface Authenticator {
  authenticate(credentials: Credentials): Promise<Viewer | undefined>;
  /** As `authenticate`, with the lifetime a long-lived connection needs to keep it valid. */
  verify(credentials: Credentials): Promise<Authentication | undefined>;
  /** Stops following revocations. */
  close(): void;
}

export interface AuthenticatorOptions {
  jwtSecret: string;
  internalSecret: string;
  cacheSeconds: number;
  /** Subgraph name → its /graphql URL; identity and vehicles own the non-JWT credentials. */
  subgraphUrls: Record<string, string>;
  /** Revocations announced on the event bus: refused at once, and their cached verdicts dropped. */
  revocations?: GatewayRevocations;
}

const internalUrl = (graphqlUrl: string | undefined, path: string) =>
  graphqlUrl ? `${new URL(graphqlUrl).origin}${path}` : undefined;

export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const verifier = (
    subgraph: string,
    path: string,
    toViewer: (b: Record<string, unknown>) => Authentication | null,
  ) => {
    const url = internalUrl(options.subgraphUrls[subgraph], path);
    return url
      ? new CredentialVerifier<Authentication>({
          url,
          internalSecret: options.internalSecret,
          cacheSeconds: options.cacheSeconds,
          toViewer,
          expiresAt: (verdict) => verdict.expiresAt,
        })
      : undefined;
  };
  const apiKeys = verifier('identity', '/internal/api-keys/verify', (b) =>
    typeof b.keyId === 'string' && typeof b.ownerId === 'string'
      ? {
          viewer: {
            kind: 'apiKey',
            keyId: b.keyId,
            ownerId: b.ownerId,
            scopes: Array.isArray(b.scopes) ? b.scopes.map(String) : [],
          },
          expiresAt: typeof b.expiresAt === 'string' ? Date.parse(b.expiresAt) || undefined : undefined,
        }
      : null,
  );
  const devices = verifier('vehicles', '/internal/devices/verify', (b) =>
    typeof b.deviceId === 'string' && typeof b.vehicleId === 'string'
      ? { viewer: { kind: 'device', deviceId: b.deviceId, vehicleId: b.vehicleId } }
      : null,
  );
  const { revocations } = options;
  const stopFollowing = revocations?.onRevoke((revocation) => {
    // Sessions are JWTs, checked against the list on every use; nothing of theirs is cached.
    if (revocation.kind === 'apiKey') apiKeys?.invalidate(({ viewer }) => revokes(revocation, viewer));
    if (revocation.kind === 'device' || revocation.kind === 'vehicle') {
      devices?.invalidate(({ viewer }) => revokes(revocation, viewer));
    }
  });
  /** A verdict fetched before a revocation was announced may still land after it. */
  const live = (verdict: Authentication | null | undefined) =>
    verdict && !revocations?.viewerRevoked(verdict.viewer) ? verdict : undefined;

  /**
   * No credentials means an anonymous caller. Credentials that do not verify are an error,
   * never a silent downgrade to anonymous: a client with a stale token must learn it.
   */
  const verify = async ({ authorization, apiKey }: Credentials): Promise<Authentication | undefined> => {
    if (authorization) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
      if (!match) throw new UnauthenticatedError('Authorization must be "Bearer <token>"');
      const token = match[1]!;
      if (token.startsWith(DEVICE_TOKEN_PREFIX)) {
        const device = live(await devices?.verify(token));
        if (!device) throw new UnauthenticatedError('Invalid device token');
        return device;
      }
      const claims = verifyAccessToken(options.jwtSecret, token);
      if (revocations?.sessionRevoked(claims.sid)) throw new UnauthenticatedError('Session ended; sign in again');
      return {
        viewer: { kind: 'user', userId: claims.sub, roles: claims.roles },
        expiresAt: claims.exp * 1000,
        sessionId: claims.sid,
      };
    }
    if (apiKey) {
      const key = live(await apiKeys?.verify(apiKey.trim()));
      if (!key) throw new UnauthenticatedError('Invalid API key');
      return key;
    }
    return undefined;
  };

  return {
    verify,
    authenticate: async (credentials) => (await verify(credentials))?.viewer,
    close: () => stopFollowing?.(),
  };
}
