import { ArmStore } from '../agents/learning/arm.store.js';
import {
  ActiveEffectsDocument,
  EndEffectDocument,
  GuardedDecisionsDocument,
  LoginDocument,
  MeDocument,
} from './generated/graphql.js';
import { adminToken, agentsDb, tokenWithRoles } from './agents.js';
import { errorCodes } from './client.js';
import { startTestSystem, type TestSystem } from './harness.js';
import { registerDriver } from './live.js';
import { waitFor } from './wait-for.js';

/*
 * Issue #13, finding 1, through the gateway: a login storm from one IP is answered by blocking
 * that IP (no approval: one client, 15 minutes), which every gateway enforces; admins are never
 * blocked; the block is listed and an admin ends it. Refusals change nothing.
 */

const STORM_IP = '203.0.113.7';
const from = (ip: string, token?: string) => ({ token, headers: { 'x-forwarded-for': ip } });

let t: TestSystem;
let admin: string;
let customer: string;
let staff: string;

beforeAll(async () => {
  t = await startTestSystem({ AGENTS_MODE: 'ON', AGENTS_LOOP_INTERVAL_SECONDS: '3600' });
  admin = await adminToken(t);
  const driver = await registerDriver(t, 'storm-target@example.com');
  customer = driver.token;
  staff = tokenWithRoles(t, ['STAFF']);
  // What the team has learnt: for login storms, blocking the one client is what works.
  const arms = new ArmStore(agentsDb(t));
  for (let i = 0; i < 30; i++) {
    await arms.record('failed_login_burst', 'block_client', true, new Date());
    for (const other of ['tighten_rate_limits', 'open_incident', 'raise_log_level'])
      await arms.record('failed_login_burst', other, false, new Date());
  }
});
afterAll(async () => t?.stop());

const effects = async (token = admin) => (await t.request(ActiveEffectsDocument, {}, { token })).data?.activeEffects;

describe('a login storm from one IP', () => {
  let effectId: string;

  it('is answered by blocking that IP at once, without approval', async () => {
    for (let i = 0; i < 25; i++)
      await t.request(
        LoginDocument,
        { email: 'storm-target@example.com', password: `wrong-password-${i}` },
        from(STORM_IP),
      );
    await waitFor(async () => ((await effects()) ?? []).length > 0, 'the block');
    const decisions = (
      await t.request(GuardedDecisionsDocument, { filter: { category: 'security' } }, { token: admin })
    ).data!.decisions.edges.map((e) => e.node);
    expect(decisions[0]).toMatchObject({
      action: 'block_client',
      status: 'EXECUTED',
      risk: 'LOW',
      blastRadius: `one ip (${STORM_IP}) for 15 min`,
      limitsExceeded: [],
      executedMode: 'ON',
    });
    const [effect] = (await effects())!;
    expect(effect).toMatchObject({ kind: 'client_block', target: `ip:${STORM_IP}`, endedAt: null });
    effectId = effect.id;
  });

  it('the gateway refuses that IP, signed in or not, but nobody else and never an admin', async () => {
    const refused = await t.request(MeDocument, {}, from(STORM_IP));
    expect(errorCodes(refused)).toEqual(['RATE_LIMITED']);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(800);
    expect(errorCodes(await t.request(MeDocument, {}, from(STORM_IP, customer)))).toEqual(['RATE_LIMITED']);
    expect(errorCodes(await t.request(MeDocument, {}, from('203.0.113.8', customer)))).toEqual([]);
    expect(errorCodes(await t.request(MeDocument, {}, from(STORM_IP, admin)))).toEqual([]);
  });

  it('staff see the block; customers and staff cannot end it, nor can a malformed id; nothing changes', async () => {
    expect(await effects(staff)).toHaveLength(1);
    expect(errorCodes(await t.request(ActiveEffectsDocument, {}, { token: customer }))).toEqual(['FORBIDDEN']);
    for (const token of [customer, staff])
      expect(errorCodes(await t.request(EndEffectDocument, { id: effectId }, { token }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await t.request(EndEffectDocument, { id: '{"$ne":null}' }, { token: admin }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(await effects()).toMatchObject([{ id: effectId, endedAt: null }]);
    expect(await agentsDb(t).collection('active_effects').countDocuments({ revertedAt: null })).toBe(1);
    expect(errorCodes(await t.request(MeDocument, {}, from(STORM_IP)))).toEqual(['RATE_LIMITED']);
  });

  it('an admin ends it, and the IP is served again at once', async () => {
    const ended = await t.request(EndEffectDocument, { id: effectId }, from(STORM_IP, admin));
    expect(ended.data!.endEffect).toMatchObject({ id: effectId, endReason: 'ended', endedBy: expect.any(String) });
    await waitFor(async () => errorCodes(await t.request(MeDocument, {}, from(STORM_IP))).length === 0, 'unblocked');
    expect(await effects()).toEqual([]);
    expect(errorCodes(await t.request(EndEffectDocument, { id: effectId }, { token: admin }))).toEqual(['CONFLICT']);
  });
});
