import jwt from 'jsonwebtoken';
import { ErrorCode } from '../errors.js';
import { signAccessToken, verifyAccessToken } from './jwt.js';

const SECRET = 'a'.repeat(40);

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as { extensions?: { code?: string } }).extensions?.code;
  }
  return undefined;
}

describe('access tokens', () => {
  it('round-trips subject and roles', () => {
    const token = signAccessToken(SECRET, 'u1', ['CUSTOMER'], 60);
    expect(verifyAccessToken(SECRET, token)).toMatchObject({ sub: 'u1', roles: ['CUSTOMER'], typ: 'access' });
  });

  it('carries the session id and the expiry', () => {
    const before = Math.floor(Date.now() / 1000);
    const claims = verifyAccessToken(SECRET, signAccessToken(SECRET, 'u1', ['CUSTOMER'], 60, 'f'.repeat(24)));
    expect(claims.sid).toBe('f'.repeat(24));
    expect(claims.exp).toBeGreaterThanOrEqual(before + 60);
  });

  it('refuses a well-signed token without exp with UNAUTHENTICATED', () => {
    const forever = jwt.sign({ roles: ['ADMIN'], typ: 'access' }, SECRET, {
      algorithm: 'HS256',
      subject: 'u1',
      issuer: 'clutch',
    });
    expect(jwt.decode(forever)).not.toHaveProperty('exp');
    expect(codeOf(() => verifyAccessToken(SECRET, forever))).toBe(ErrorCode.UNAUTHENTICATED);
  });

  it('refuses another secret, alg none, another algorithm, an expired token and a foreign shape', () => {
    const good = signAccessToken(SECRET, 'u1', ['ADMIN'], 60);
    const [header, payload] = good.split('.');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
    const hs512 = jwt.sign({ roles: ['ADMIN'], typ: 'access' }, SECRET, {
      algorithm: 'HS512',
      subject: 'u1',
      issuer: 'clutch',
    });
    const expired = jwt.sign({ roles: ['ADMIN'], typ: 'access', exp: Math.floor(Date.now() / 1000) - 10 }, SECRET, {
      algorithm: 'HS256',
      subject: 'u1',
      issuer: 'clutch',
    });
    const refreshShaped = jwt.sign({ typ: 'refresh' }, SECRET, { algorithm: 'HS256', subject: 'u1', issuer: 'clutch' });
    expect(header).toBeDefined();
    for (const token of [
      none,
      hs512,
      expired,
      refreshShaped,
      'garbage',
      signAccessToken('b'.repeat(40), 'u1', ['ADMIN'], 60),
    ]) {
      expect(codeOf(() => verifyAccessToken(SECRET, token))).toBe(ErrorCode.UNAUTHENTICATED);
    }
  });
});
