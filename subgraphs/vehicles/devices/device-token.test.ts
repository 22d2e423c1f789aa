import { ObjectId } from 'mongodb';
import { hashSecret, issueDeviceToken, parseDeviceToken, secretMatches } from './device-token.js';

describe('device tokens', () => {
  it('are dt_<24 hex id>_<43 base64url secret>, and only the secret hash is kept', () => {
    const id = new ObjectId();
    const { token, secretHash } = issueDeviceToken(id);
    expect(token).toMatch(/^dt_[0-9a-f]{24}_[A-Za-z0-9_-]{43}$/);
    const parsed = parseDeviceToken(token)!;
    expect(parsed.deviceId.equals(id)).toBe(true);
    expect(secretHash).toBe(hashSecret(parsed.secret));
    expect(secretHash).not.toContain(parsed.secret);
    expect(secretMatches(parsed.secret, secretHash)).toBe(true);
  });

  it('are random: two tokens for one device differ', () => {
    const id = new ObjectId();
    expect(issueDeviceToken(id).token).not.toBe(issueDeviceToken(id).token);
  });

  it('do not match with a changed secret', () => {
    const { token, secretHash } = issueDeviceToken(new ObjectId());
    const secret = parseDeviceToken(token)!.secret;
    const changed = (secret[0] === 'A' ? 'B' : 'A') + secret.slice(1);
    expect(secretMatches(changed, secretHash)).toBe(false);
  });

  it.each([
    ['ck_0123456789abcdef01234567_' + 'A'.repeat(43)],
    ['dt_0123456789abcdef01234567_' + 'A'.repeat(42)],
    ['dt_0123456789ABCDEF01234567_' + 'A'.repeat(43)],
    ['dt_0123456789abcdef01234567_' + 'A'.repeat(42) + '='],
    [' dt_0123456789abcdef01234567_' + 'A'.repeat(43)],
    [42],
    [undefined],
  ])('reject malformed %p', (token) => {
    expect(parseDeviceToken(token)).toBeNull();
  });
});
