import type { Viewer } from '../../platform/auth/viewer.js';
import { createLogger } from '../../platform/logger.js';
import { listenForRateLimitOverrides, MAX_CLIENT_BLOCKS } from '../../platform/ops/rate-limit-overrides.js';
import { blockOn, blockRetryAfterSeconds } from './client-blocks.js';

const logger = createLogger({ level: 'silent', service: 'test' });
const T0 = 1_000_000;
const customer: Viewer = { kind: 'user', userId: 'u1', roles: ['CUSTOMER'] };
const admin: Viewer = { kind: 'user', userId: 'adm', roles: ['ADMIN'] };

describe('client blocks', () => {
  let now = T0;
  const listener = () => listenForRateLimitOverrides(undefined, logger, () => now);
  beforeEach(() => (now = T0));

  it('refuse the one IP named (IPv6 by its /64), nobody else, and never an admin', () => {
    const l = listener();
    l.apply({ client: { kind: 'ip', id: '203.0.113.7' }, blocked: true, until: T0 + 60_000, decisionId: 'd1' });
    l.apply({ client: { kind: 'ip', id: '2001:db8:0:1::/64' }, blocked: true, until: T0 + 60_000 });
    expect(blockOn(l, undefined, '203.0.113.7')).toMatchObject({ decisionId: 'd1' });
    expect(blockOn(l, customer, '::ffff:203.0.113.7')).toBeDefined();
    expect(blockOn(l, undefined, '2001:db8:0:1:aaaa::5')).toBeDefined();
    expect(blockOn(l, undefined, '203.0.113.8')).toBeUndefined();
    expect(blockOn(l, undefined, '2001:db8:0:2::5')).toBeUndefined();
    expect(blockOn(l, admin, '203.0.113.7')).toBeUndefined();
    expect(blockRetryAfterSeconds(blockOn(l, undefined, '203.0.113.7')!, T0 + 500)).toBe(60);
  });

  it('refuse one caller from any IP, end at `until` or when lifted', () => {
    const l = listener();
    l.apply({ client: { kind: 'user', id: 'u1' }, blocked: true, until: T0 + 1000 });
    expect(blockOn(l, customer, '10.0.0.1')).toBeDefined();
    expect(blockOn(l, customer, '10.0.0.2')).toBeDefined();
    expect(blockOn(l, { ...customer, userId: 'u2' }, '10.0.0.1')).toBeUndefined();
    now = T0 + 1000;
    expect(blockOn(l, customer, '10.0.0.1')).toBeUndefined();
    l.apply({ client: { kind: 'device', id: 'dev1' }, blocked: true, until: null });
    const dongle: Viewer = { kind: 'device', deviceId: 'dev1', vehicleId: 'v1' };
    expect(blockOn(l, dongle, '10.0.0.1')).toBeDefined();
    l.apply({ client: { kind: 'device', id: 'dev1' }, blocked: false, until: null });
    expect(blockOn(l, dongle, '10.0.0.1')).toBeUndefined();
    expect(l.blocks()).toEqual([]);
  });

  it('ignore commands that name a range, the unknown bucket or a malformed id, and stay bounded', () => {
    const l = listener();
    for (const id of ['10.0.0.0/8', 'unknown', '2001:db8::/32', ''])
      l.apply({ client: { kind: 'ip', id }, blocked: true, until: T0 + 60_000 });
    l.apply({ client: { kind: 'user', id: '{"$ne":1}' }, blocked: true, until: T0 + 60_000 });
    expect(l.blocks()).toEqual([]);
    for (let i = 0; i < MAX_CLIENT_BLOCKS + 5; i++)
      l.apply({ client: { kind: 'user', id: `u${i}` }, blocked: true, until: T0 + 60_000 + i });
    expect(l.blocks()).toHaveLength(MAX_CLIENT_BLOCKS);
    // The ones ending soonest gave way.
    expect(blockOn(l, { ...customer, userId: 'u0' }, '10.0.0.1')).toBeUndefined();
    expect(blockOn(l, { ...customer, userId: `u${MAX_CLIENT_BLOCKS + 4}` }, '10.0.0.1')).toBeDefined();
    // Scope overrides are untouched by blocks.
    expect(l.factor('login')).toBe(1);
  });
});
