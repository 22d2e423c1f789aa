import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * One-click unsubscribe tokens for marketing messages: `<userId>.<signature>`, an HMAC of the
 * user id under a key derived from JWT_SECRET (never the secret itself). A token only ever
 * turns marketing off for its user, so it needs no expiry: an old email must still work.
 */
export class UnsubscribeTokens {
  private readonly key: Buffer;

  constructor(
    secret: string,
    /** The page the link opens (it calls `unsubscribeMarketing(token)`); the token is appended. */
    private readonly baseUrl: string,
  ) {
    this.key = createHmac('sha256', secret).update('clutch:notifications:unsubscribe').digest();
  }

  private sign(userId: string): string {
    return createHmac('sha256', this.key).update(`marketing:${userId}`).digest('base64url');
  }

  token(userId: string): string {
    return `${Buffer.from(userId).toString('base64url')}.${this.sign(userId)}`;
  }

  link(userId: string): string {
    const url = new URL(this.baseUrl);
    url.searchParams.set('token', this.token(userId));
    return url.toString();
  }

  /** The user the token was made for, or null when it was not made here. */
  verify(token: string): string | null {
    if (typeof token !== 'string' || token.length > 512) return null;
    const [encoded, signature, extra] = token.split('.');
    if (!encoded || !signature || extra !== undefined) return null;
    const userId = Buffer.from(encoded, 'base64url').toString('utf8');
    if (!userId) return null;
    const expected = Buffer.from(this.sign(userId));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given) ? userId : null;
  }
}
