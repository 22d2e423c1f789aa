import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ObjectId } from 'mongodb';
import { signAccessToken } from '../../../platform/auth/jwt.js';
import { UnauthenticatedError } from '../../../platform/errors.js';
import type { RefreshTokenStore } from './refresh-token.store.js';
import type { SessionRevocations } from './session-revocations.js';
import type { UserDocument } from '../users/user.store.js';

export interface TokenSettings {
  jwtSecret: string;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
}

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  accessTokenExpiresAt: Date;
}

const TOKEN_FORMAT = /^rt_([0-9a-f]{24})\.([A-Za-z0-9_-]{43})$/;
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

export type RotationFailure = 'invalid' | 'expired' | 'revoked' | 'reused';

export class RefreshTokenError extends UnauthenticatedError {
  constructor(
    readonly reason: RotationFailure,
    readonly userId?: string,
  ) {
    super(
      reason === 'reused'
        ? 'Refresh token already used; every session from that login has been signed out'
        : `Refresh token ${reason}`,
    );
  }
}

/** Access tokens are short-lived JWTs; refresh tokens are opaque, stored hashed, rotated on use. */
export class TokenService {
  constructor(
    private readonly store: RefreshTokenStore,
    private readonly settings: TokenSettings,
    private readonly revocations: SessionRevocations,
  ) {}

  async issue(user: UserDocument, familyId = new ObjectId(), now = new Date()): Promise<IssuedTokens> {
    const id = new ObjectId();
    const secret = randomBytes(32).toString('base64url');
    await this.store.insert({
      _id: id,
      familyId,
      userId: user._id.toHexString(),
      secretHash: sha256(secret),
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.settings.refreshTtlSeconds * 1000),
      usedAt: null,
      revokedAt: null,
    });
    return {
      accessToken: signAccessToken(
        this.settings.jwtSecret,
        user._id.toHexString(),
        user.roles,
        this.settings.accessTtlSeconds,
        familyId.toHexString(),
      ),
      refreshToken: `rt_${id.toHexString()}.${secret}`,
      accessTokenExpiresAt: new Date(now.getTime() + this.settings.accessTtlSeconds * 1000),
    };
  }

  /**
   * Spends a refresh token and returns its user id and family. A token presented a second
   * time means it leaked: the whole family is revoked and the caller must sign in again.
   */
  async rotate(refreshToken: string, now = new Date()): Promise<{ userId: string; familyId: ObjectId }> {
    const doc = await this.lookup(refreshToken);
    if (doc.revokedAt) throw new RefreshTokenError('revoked', doc.userId);
    if (doc.expiresAt <= now) throw new RefreshTokenError('expired', doc.userId);
    const claimed = await this.store.claim(doc._id, now);
    if (!claimed) {
      await this.store.revokeFamily(doc.familyId, now);
      await this.revocations.announce(doc.familyId, doc.userId, 'REUSED', now);
      throw new RefreshTokenError('reused', doc.userId);
    }
    return { userId: doc.userId, familyId: doc.familyId };
  }

  /** Ends the session the token belongs to, its access tokens included; returns its user id. */
  async revoke(refreshToken: string, now = new Date()): Promise<string> {
    const doc = await this.lookup(refreshToken);
    await this.store.revokeFamily(doc.familyId, now);
    await this.revocations.announce(doc.familyId, doc.userId, 'LOGOUT', now);
    return doc.userId;
  }

  private async lookup(refreshToken: string) {
    const match = TOKEN_FORMAT.exec(refreshToken);
    if (!match) throw new RefreshTokenError('invalid');
    const doc = await this.store.findById(new ObjectId(match[1]));
    const given = Buffer.from(sha256(match[2]!));
    if (!doc || !timingSafeEqual(given, Buffer.from(doc.secretHash))) throw new RefreshTokenError('invalid');
    return doc;
  }
}
