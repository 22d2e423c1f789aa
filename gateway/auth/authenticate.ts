import type { IncomingHttpHeaders } from 'node:http';
import { LRUCache } from 'lru-cache';
import { verifyAccessToken, type AccessClaims } from '../../platform/auth/jwt.js';
import type { Viewer } from '../../platform/auth/viewer.js';
import { UnauthenticatedError } from '../../platform/errors.js';
import { identityClient } from '../../subgraphs/identity/contract.js';
import { vehiclesClient } from '../../subgraphs/vehicles/contract.js';
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
  /**
   * How long a device token's verdict is reused (default `cacheSeconds`). Dongles upload every
   * few tens of seconds, so a verdict as short as an API key's would make nearly every upload
   * wait for the vehicles subgraph; revocations drop it at once either way.
   */
  deviceCacheSeconds?: number;
  /** Subgraph name → its /graphql URL; identity and vehicles own the non-JWT credentials. */
  subgraphUrls: Record<string, string>;
  /** Revocations announced on the event bus: refused at once, and their cached verdicts dropped. */
  revocations?: GatewayRevocations;
  /** Verified access tokens kept (default 10,000): each is verified once, and reused until its `exp`. */
  tokenCacheSize?: number;
}

/**
 * Verified access tokens: HMAC and claim parsing were ~5 % of the gateway's CPU under a `me`
 * load, for the same few tokens again and again. A token is kept until its own `exp` at the
 * latest, and the revocation list is still checked on every use; a bad token is never kept.
 */
export class VerifiedTokens {
  private readonly cache: LRUCache<string, AccessClaims>;

  constructor(
    private readonly secret: string,
    max = 10_000,
  ) {
    this.cache = new LRUCache({ max });
  }

  get size(): number {
    return this.cache.size;
  }

  verify(token: string): AccessClaims {
    const cached = this.cache.get(token);
    if (cached && cached.exp * 1000 > Date.now()) return cached;
    if (cached) this.cache.delete(token);
    const claims = verifyAccessToken(this.secret, token);
    const ttl = claims.exp * 1000 - Date.now();
    if (ttl > 0) this.cache.set(token, claims, { ttl });
    return claims;
  }
}

/*
 * A verified token's viewer, the same frozen object on every request that carries it (as API keys'
 * and devices' cached verdicts already are): the data source encodes a viewer for the subgraphs once
 * per object, and a new viewer per request was that JSON and base64 again on every request
 * (~0.6 % of the gateway's CPU on the list of 20). The claims are cached with the token, and
 * revocations are checked before this on every use.
 */
const authentications = new WeakMap<AccessClaims, Authentication>();
function userAuthentication(claims: AccessClaims): Authentication {
  let authentication = authentications.get(claims);
  if (authentication === undefined) {
    authentication = Object.freeze({
      viewer: Object.freeze({ kind: 'user' as const, userId: claims.sub, roles: claims.roles }),
      expiresAt: claims.exp * 1000,
      sessionId: claims.sid,
    });
    authentications.set(claims, authentication);
  }
  return authentication;
}

export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const { internalSecret, subgraphUrls } = options;
  const verifier = (ask: (credential: string) => Promise<Authentication | null>, cacheSeconds = options.cacheSeconds) =>
    new CredentialVerifier<Authentication>({
      ask,
      cacheSeconds,
      expiresAt: (verdict) => verdict.expiresAt,
    });
  // API keys are identity's, device tokens the vehicles subgraph's: each asked through its contract.
  const identity = subgraphUrls.identity ? identityClient({ url: subgraphUrls.identity, internalSecret }) : undefined;
  const apiKeys =
    identity &&
    verifier(async (credential) => {
      const key = await identity.verifyApiKey(credential);
      if (!key.valid) return null;
      const viewer: Viewer = { kind: 'apiKey', keyId: key.keyId, ownerId: key.ownerId, scopes: key.scopes };
      return { viewer, expiresAt: key.expiresAt === null ? undefined : Date.parse(key.expiresAt) || undefined };
    });
  const vehicles = subgraphUrls.vehicles ? vehiclesClient({ url: subgraphUrls.vehicles, internalSecret }) : undefined;
  const devices =
    vehicles &&
    verifier(async (credential) => {
      const device = await vehicles.verifyDevice(credential);
      return device.valid
        ? { viewer: { kind: 'device', deviceId: device.deviceId, vehicleId: device.vehicleId } }
        : null;
    }, options.deviceCacheSeconds);
  const { revocations } = options;
  const tokens = new VerifiedTokens(options.jwtSecret, options.tokenCacheSize);
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
      const claims = tokens.verify(token);
      if (revocations?.sessionRevoked(claims.sid)) throw new UnauthenticatedError('Session ended; sign in again');
      return userAuthentication(claims);
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
