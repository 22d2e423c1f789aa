import { signAccessToken } from '../../platform/auth/jwt.js';
import { VerifiedTokens } from './authenticate.js';

const secret = 'x'.repeat(32);

describe('VerifiedTokens (the access-token cache)', () => {
  it('is bounded: past its size the least recently used token goes', () => {
    const tokens = new VerifiedTokens(secret, 3);
    for (let i = 0; i < 10; i++) tokens.verify(signAccessToken(secret, `user-${i}`, ['CUSTOMER'], 60));
    expect(tokens.size).toBe(3);
  });

  it('reuses a verified token, and refuses it once its exp has passed (UNAUTHENTICATED)', () => {
    jest.useFakeTimers({ now: Date.now(), doNotFake: ['nextTick', 'setImmediate'] });
    try {
      const tokens = new VerifiedTokens(secret, 10);
      const token = signAccessToken(secret, 'user-1', ['CUSTOMER'], 2);
      expect(tokens.verify(token).sub).toBe('user-1');
      expect(tokens.verify(token).sub).toBe('user-1');
      jest.setSystemTime(Date.now() + 3000);
      expect(() => tokens.verify(token)).toThrow(expect.objectContaining({ code: 'UNAUTHENTICATED' }));
      expect(tokens.size).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  it('never keeps a token that does not verify', () => {
    const tokens = new VerifiedTokens(secret, 10);
    const forged = signAccessToken('y'.repeat(32), 'user-1', ['ADMIN'], 60);
    expect(() => tokens.verify(forged)).toThrow(expect.objectContaining({ code: 'UNAUTHENTICATED' }));
    expect(tokens.size).toBe(0);
  });
});
