import {
  clientKey,
  clientLock,
  isKnownClient,
  isSlowed,
  lockSeconds,
  reserveAttempt,
  slotRefusal,
  slowdownAfterFailure,
  throttleKeys,
  type ClientState,
  type LoginPolicy,
} from './login-policy.js';

const policy: LoginPolicy = {
  maxFailures: 5,
  baseSeconds: 30,
  capSeconds: 900,
  emailSlowdownAfter: 10,
  emailWindowSeconds: 900,
  emailSlowdownSeconds: 5,
  knownClientSeconds: 30 * 86_400,
};
const now = new Date('2025-06-01T12:00:00Z');
const at = (seconds: number) => new Date(now.getTime() + seconds * 1000);
const client = (state: Partial<ClientState>): ClientState => ({
  failures: 0,
  lockedUntil: null,
  lastSuccessAt: null,
  ...state,
});

describe('lockSeconds', () => {
  it('allows up to maxFailures - 1 failures without a lock', () => {
    expect([0, 1, 4].map((f) => lockSeconds(f, policy))).toEqual([0, 0, 0]);
  });

  it('doubles from the base with every further failure, up to the cap', () => {
    expect([5, 6, 7, 8, 9, 10, 20].map((f) => lockSeconds(f, policy))).toEqual([30, 60, 120, 240, 480, 900, 900]);
  });
});

describe('clientKey', () => {
  it('keeps IPv4 addresses, unwraps IPv4-mapped IPv6 and drops zone ids', () => {
    expect(clientKey('203.0.113.7')).toBe('203.0.113.7');
    expect(clientKey(' ::FFFF:203.0.113.7 ')).toBe('203.0.113.7');
    expect(clientKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });

  it('groups IPv6 addresses by their /64, however they are written', () => {
    const key = '2001:db8:0:1::/64';
    expect(clientKey('2001:db8:0:1::1')).toBe(key);
    expect(clientKey('2001:0DB8:0000:0001:ffff:ffff:ffff:ffff')).toBe(key);
    expect(clientKey('2001:db8::1:0:0:0:1')).toBe('2001:db8:0:1::/64');
    expect(clientKey('2001:db8:0:2::1')).not.toBe(key);
    expect(clientKey('64:ff9b::203.0.113.7')).toBe('64:ff9b:0:0::/64');
    expect(clientKey('1::2:3:4:5:6.7.8.9')).toBe('1:0:2:3::/64');
  });

  it('turns anything that is not an address into "unknown", never the raw value', () => {
    for (const raw of [undefined, null, '', 'evil"; drop', '1.2.3.4, 5.6.7.8', '::g', '999.1.1.1'])
      expect(clientKey(raw)).toBe('unknown');
  });
});

describe('throttleKeys', () => {
  it('names the email by a hash, never the address itself', () => {
    const keys = throttleKeys('dana@example.com', '203.0.113.7');
    expect(keys.client).toMatch(/^client:[\w-]{43}:203\.0\.113\.7$/);
    expect(keys.email).toMatch(/^email:[\w-]{43}$/);
    expect(JSON.stringify(keys)).not.toContain('dana');
    expect(keys.client.split(':')[1]).toBe(keys.email.split(':')[1]);
  });

  it('gives each client of one email its own key, and one key per client however its address is written', () => {
    const a = throttleKeys('dana@example.com', '2001:db8::1');
    expect(throttleKeys('dana@example.com', '2001:db8::2').client).toBe(a.client);
    expect(throttleKeys('dana@example.com', '2001:db9::1').client).not.toBe(a.client);
    expect(throttleKeys('eve@example.com', '2001:db8::1').client).not.toBe(a.client);
  });
});

describe('a client (email + IP)', () => {
  it('counts each attempt when it is reserved, and the attempt that reaches the limit sets the lock', () => {
    let state: ClientState | null = null;
    const reserved = [];
    for (let i = 0; i < 5; i++) {
      const next = reserveAttempt(state, now, policy);
      reserved.push(next.lockSeconds);
      state = client({ ...state, failures: next.failures, lockedUntil: next.lockedUntil });
    }
    expect(reserved).toEqual([0, 0, 0, 0, 30]);
    expect(state!.lockedUntil).toEqual(at(30));
  });

  it('is refused while locked, with the seconds left, and may try once more when the lock ends', () => {
    const locked = client({ failures: 5, lockedUntil: at(30) });
    expect(clientLock(locked, now)).toEqual({ allowed: false, retryAfterSeconds: 30, reason: 'locked' });
    expect(clientLock(locked, at(29.2))).toMatchObject({ retryAfterSeconds: 1 });
    expect(clientLock(locked, at(30))).toBeNull();
    expect(reserveAttempt(locked, at(30), policy)).toEqual({ failures: 6, lockedUntil: at(90), lockSeconds: 60 });
  });

  it('is known to the account after a recent success, unless locked', () => {
    const known = client({ lastSuccessAt: at(-86_400) });
    expect(isKnownClient(known, now, policy)).toBe(true);
    expect(isKnownClient(client({ failures: 3, lastSuccessAt: at(-86_400) }), now, policy)).toBe(true);
    expect(isKnownClient(client({ failures: 5, lockedUntil: at(10), lastSuccessAt: at(-60) }), now, policy)).toBe(
      false,
    );
    expect(isKnownClient(client({ lastSuccessAt: at(-31 * 86_400) }), now, policy)).toBe(false);
    expect(isKnownClient(client({ failures: 2 }), now, policy)).toBe(false);
    expect(isKnownClient(null, now, policy)).toBe(false);
  });
});

describe('an email across clients', () => {
  it('starts slowing after emailSlowdownAfter failures in the window, and each later failure extends it', () => {
    expect(slowdownAfterFailure(9, null, now, policy)).toBeNull();
    expect(slowdownAfterFailure(10, null, now, policy)).toEqual(at(900));
    // Once slowed, a failure in a new window (its count back at 1) still extends the slowdown.
    expect(slowdownAfterFailure(1, { slowUntil: at(60) }, now, policy)).toEqual(at(900));
    expect(slowdownAfterFailure(1, { slowUntil: at(-1) }, now, policy)).toBeNull();
  });

  it('is slowed only until slowUntil', () => {
    const state = { failures: 12, windowEndsAt: at(100), slowUntil: at(60), nextCheckAt: at(3) };
    expect(isSlowed(state, now)).toBe(true);
    expect(isSlowed(state, at(60))).toBe(false);
    expect(isSlowed(null, now)).toBe(false);
  });

  it('tells a client that lost the shared slot when the next one is free', () => {
    const state = { failures: 12, windowEndsAt: at(100), slowUntil: at(60), nextCheckAt: at(3.5) };
    expect(slotRefusal(state, now)).toEqual({ allowed: false, retryAfterSeconds: 4, reason: 'slowed' });
    expect(slotRefusal(null, now).retryAfterSeconds).toBe(1);
  });
});
