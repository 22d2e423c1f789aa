import { listenForRateLimitOverrides, RATE_LIMIT_TOPIC } from '../../platform/ops/rate-limit-overrides.js';
import { LOGIN_FAILED } from '../../subgraphs/identity/contract.js';
import { HEALTH_ALERTS } from '../../subgraphs/health/contract.js';
import type { Viewer } from '../../platform/auth/viewer.js';
import { ManualClock } from '../clock.js';
import { DECISIONS_TOPIC, type DecisionEvent } from '../decisions/decision-events.js';
import { ArmStore } from '../learning/arm.store.js';
import {
  anthropicToolUse,
  startFakeAiServer,
  type FakeAiServer,
  type FakeHandler,
} from '../providers/testing/fake-ai-servers.js';
import {
  codes,
  silentLogger,
  startAgents,
  testDatabase,
  type TestAgents,
  type TestDatabase,
} from '../testing/agents-harness.js';
import { RecordingOwnerNotifier } from '../testing/owner-notifier.fake.js';
import { healthAlert } from '../testing/health-alert.js';

/*
 * The guardrails in the loop (issue #13, findings 1, 2 and 6): risk from the blast radius,
 * targeted blocks, the kill switch read right before acting, nothing lost to DRY_RUN or the
 * budget, approvals that count and expire, effects that can be listed and ended.
 */

const MINUTE = 60_000;
const STORM_IP = '203.0.113.7';
const STAFF: Viewer = { kind: 'user', userId: 's'.repeat(24), roles: ['STAFF'] };
const DECISION = `id status statusReason action parameters risk blastRadius limitsExceeded heldBy pendingUntil
  mode executedMode approvedBy execution { summary }`;

let database: TestDatabase;
let a: TestAgents;
let clock: ManualClock;
let ai: FakeAiServer | undefined;

beforeEach(async () => {
  database = await testDatabase();
});
afterEach(async () => {
  await a?.stop();
  await ai?.close();
  ai = undefined;
  await database.drop();
});

async function start(overrides: Parameters<typeof startAgents>[1] = {}) {
  clock = new ManualClock(Date.parse('2030-03-04T10:00:00Z'));
  a = await startAgents(database.db, { clock, ...overrides });
}

/** A fake Anthropic (security work asks it first) answering with `reply`, after `before` runs. */
async function startModel(reply: object, before: () => Promise<void> = async () => undefined) {
  const handler: FakeHandler = async (request) => {
    // Only a decision waits (start-up checks of the provider list its models).
    if (request.method !== 'POST') return { status: 200, body: { data: [], has_more: false } };
    await before();
    return anthropicToolUse({ reasoning: 'The model decided so.', confidence: 0.9, ...reply });
  };
  ai = await startFakeAiServer(handler);
  return { anthropic: { apiKey: 'sk-ant-test', baseURL: ai.anthropicBaseURL } };
}

/** Teaches the bandit that only `action` helps with `kind`, so it is the one chosen. */
async function favour(kind: string, action: string, others: string[]) {
  const arms = new ArmStore(database.db);
  const at = new Date('2030-03-01T00:00:00Z');
  for (let i = 0; i < 30; i++) {
    for (const other of others) await arms.record(kind, other, false, at);
    await arms.record(kind, action, true, at);
  }
}

/** A login storm: `n` failed sign-ins from one IP, as identity reports them. */
async function loginStorm(n = 30, ip = STORM_IP) {
  for (let i = 0; i < n; i++)
    await a.bus.publish(LOGIN_FAILED, { reason: 'bad_credentials', ip, at: new Date(clock.now()).toISOString() });
}

const tick = async () => (await a.agents.loop.tickNow())!;
const decision = async (id: string) =>
  (
    await a.run(`query($f: DecisionFilter) { decisions(filter: $f, first: 50) { edges { node { ${DECISION} } } } }`, {
      f: {},
    })
  ).data.decisions.edges
    .map((e: any) => e.node)
    .find((d: any) => d.id === id);
const approve = (id: string, viewer?: Viewer) =>
  a.run(`mutation($id: ID!) { approveDecision(id: $id) { ${DECISION} } }`, { id }, viewer);
const setMode = (mode: string) => a.run(`mutation { setAutonomousMode(mode: ${mode}) { mode } }`);
const activeEffects = async () =>
  (await a.run('{ activeEffects { id decisionId action kind target value endedAt endReason } }')).data.activeEffects;
const storedEffects = () => database.db.collection('active_effects').find().toArray();

const globalThrottle = {
  action: 'tighten_rate_limits',
  parameters: { scopes: ['api', 'login', 'client_errors', 'ingest'], factor: 0.1, durationMinutes: 240 },
};
const blockStormIp = {
  action: 'block_client',
  parameters: { client: { kind: 'ip', id: STORM_IP }, durationMinutes: 15 },
};

describe('blast radius (finding 1)', () => {
  it('a model asking for a 0.1× global throttle for 240 min gets APPROVAL_REQUIRED, and nothing changes', async () => {
    await start({ providers: await startModel(globalThrottle) });
    await favour('failed_login_burst', 'tighten_rate_limits', ['block_client', 'open_incident']);
    const sent: unknown[] = [];
    a.bus.subscribe(RATE_LIMIT_TOPIC, (c) => void sent.push(c));
    await loginStorm();

    const [made] = (await tick()).decisions;
    expect(made).toMatchObject({ action: 'tighten_rate_limits', status: 'APPROVAL_REQUIRED', risk: 'HIGH' });
    expect(await decision(made._id.toHexString())).toMatchObject({
      status: 'APPROVAL_REQUIRED',
      risk: 'HIGH',
      blastRadius: 'every caller of api, login, client_errors, ingest: limits ×0.1 for 240 min',
      limitsExceeded: ['4 scopes at once (at most 1)', 'factor ×0.1 (at least ×0.5)', '240 min (at most 30)'],
      statusReason: expect.stringMatching(/^past its limits/),
      execution: null,
    });
    expect(sent).toEqual([]);
    expect(await storedEffects()).toEqual([]);
  });

  it('a targeted block of the one IP behind a login storm runs at once, reaches the gateways, and an admin ends it', async () => {
    await start({ providers: await startModel(blockStormIp) });
    await favour('failed_login_burst', 'block_client', ['tighten_rate_limits', 'open_incident']);
    const gateway = listenForRateLimitOverrides(a.bus, silentLogger, () => clock.now());
    await loginStorm();
    await loginStorm(3, '198.51.100.1'); // a few typos elsewhere: not a target

    const [made] = (await tick()).decisions;
    expect(made).toMatchObject({ action: 'block_client', status: 'EXECUTED', risk: 'LOW', executedMode: 'ON' });
    expect(made.parameters).toEqual(blockStormIp.parameters);
    expect(gateway.blocked([{ kind: 'ip', id: STORM_IP }])).toMatchObject({ until: clock.now() + 15 * MINUTE });
    expect(gateway.blocked([{ kind: 'ip', id: '198.51.100.1' }])).toBeUndefined();

    const [effect] = await activeEffects();
    expect(effect).toMatchObject({
      decisionId: made._id.toHexString(),
      kind: 'client_block',
      target: `ip:${STORM_IP}`,
      endedAt: null,
    });
    // Staff may look but not end; a malformed id is bad input; neither changes anything.
    expect(codes(await a.run('{ activeEffects { id } }', {}, STAFF))).toEqual([]);
    expect(codes(await a.run('mutation($id: ID!) { endEffect(id: $id) { id } }', { id: effect.id }, STAFF))).toEqual([
      'FORBIDDEN',
    ]);
    expect(codes(await a.run('mutation { endEffect(id: "{\\"$ne\\":1}") { id } }'))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await a.run('mutation { endEffect(id: "0123456789abcdef01234567") { id } }'))).toEqual(['NOT_FOUND']);
    expect(await activeEffects()).toHaveLength(1);
    expect(gateway.blocked([{ kind: 'ip', id: STORM_IP }])).toBeDefined();

    const ended = await a.run('mutation($id: ID!) { endEffect(id: $id) { id endedAt endReason endedBy } }', {
      id: effect.id,
    });
    expect(ended.data.endEffect).toMatchObject({ id: effect.id, endReason: 'ended', endedBy: 'a'.repeat(24) });
    expect(gateway.blocked([{ kind: 'ip', id: STORM_IP }])).toBeUndefined();
    expect(await activeEffects()).toEqual([]);
    expect(codes(await a.run('mutation($id: ID!) { endEffect(id: $id) { id } }', { id: effect.id }))).toEqual([
      'CONFLICT',
    ]);
    gateway.stop();
  });

  it('a per-caller block: the one signed-in caller behind a client error burst, from any IP', async () => {
    await start();
    await favour('client_error_burst', 'block_client', ['raise_log_level', 'open_incident', 'tighten_rate_limits']);
    const gateway = listenForRateLimitOverrides(a.bus, silentLogger, () => clock.now());
    const caller = 'c'.repeat(24);
    await a.reportErrors(30, caller);
    const [made] = (await tick()).decisions;
    expect(made).toMatchObject({
      action: 'block_client',
      status: 'EXECUTED',
      parameters: { client: { kind: 'user', id: caller }, durationMinutes: 15 },
      blastRadius: `one user (${caller}) for 15 min`,
    });
    expect(
      gateway.blocked([
        { kind: 'ip', id: '10.0.0.1' },
        { kind: 'user', id: caller },
      ]),
    ).toBeDefined();
    expect(
      gateway.blocked([
        { kind: 'ip', id: '10.0.0.1' },
        { kind: 'user', id: 'd'.repeat(24) },
      ]),
    ).toBeUndefined();
    gateway.stop();
  });

  it('a model cannot aim a block at a client that is not behind the burst', async () => {
    const elsewhere = {
      ...blockStormIp,
      parameters: { ...blockStormIp.parameters, client: { kind: 'ip', id: '192.0.2.1' } },
    };
    await start({ providers: await startModel(elsewhere) });
    await favour('failed_login_burst', 'block_client', ['tighten_rate_limits', 'open_incident']);
    await loginStorm();
    const [made] = (await tick()).decisions;
    expect(made.status).not.toBe('EXECUTED');
    expect(await storedEffects()).toEqual([]);
  });

  it('OFF ends the effects the loop has in force', async () => {
    await start({ providers: await startModel(blockStormIp) });
    await favour('failed_login_burst', 'block_client', ['tighten_rate_limits', 'open_incident']);
    const gateway = listenForRateLimitOverrides(a.bus, silentLogger, () => clock.now());
    await loginStorm();
    expect((await tick()).decisions[0].status).toBe('EXECUTED');
    expect(gateway.blocks()).toHaveLength(1);
    await setMode('OFF');
    expect(gateway.blocks()).toEqual([]);
    expect(await activeEffects()).toEqual([]);
    expect(await storedEffects()).toMatchObject([{ revertReason: 'kill_switch', endedBy: 'a'.repeat(24) }]);
    // Nor is it announced again by the next tick.
    const sent: unknown[] = [];
    a.bus.subscribe(RATE_LIMIT_TOPIC, (c) => void sent.push(c));
    await tick();
    expect(sent).toEqual([]);
    gateway.stop();
  });
});

describe('the kill switch (finding 2)', () => {
  it('OFF during a slow tick: nothing executes afterwards, and the decision says why', async () => {
    // The model takes its time; meanwhile an admin switches the team off.
    const providers = await startModel(blockStormIp, async () => {
      await setMode('OFF');
    });
    await start({ providers });
    await favour('failed_login_burst', 'block_client', ['tighten_rate_limits', 'open_incident']);
    await favour('client_error_burst', 'open_incident', ['raise_log_level', 'tighten_rate_limits', 'block_client']);
    await loginStorm();
    await a.reportErrors(30);

    const report = await tick();
    expect(report.interrupted).toBe(true);
    expect(report.decisions).toHaveLength(1);
    expect(report.firings).toBe(1); // the second firing was never taken up
    const [held] = report.decisions;
    expect(held).toMatchObject({ status: 'PROPOSED', heldBy: 'MODE', mode: 'ON', executedAt: null });
    expect(held.statusReason).toMatch(/^OFF/);
    expect(await storedEffects()).toEqual([]);
    expect(await database.db.collection('incidents').countDocuments()).toBe(0);
    expect((await database.db.collection('decisions').find({ status: 'EXECUTED' }).toArray()).length).toBe(0);
  });

  it('a DRY_RUN proposal is approved after switching to ON, and records the mode it executed in', async () => {
    await start({ defaultMode: 'DRY_RUN' });
    await favour('failed_login_burst', 'block_client', ['tighten_rate_limits', 'open_incident']);
    await loginStorm();
    const [proposed] = (await tick()).decisions;
    const id = proposed._id.toHexString();
    expect(proposed).toMatchObject({ action: 'block_client', status: 'PROPOSED', heldBy: 'DRY_RUN', mode: 'DRY_RUN' });
    expect(proposed.pendingUntil).toEqual(new Date(clock.now() + 60 * MINUTE));

    // Still DRY_RUN: refused, and nothing done.
    expect(codes(await approve(id))).toEqual(['CONFLICT']);
    expect(codes(await approve(id, STAFF))).toEqual(['FORBIDDEN']);
    expect(await storedEffects()).toEqual([]);
    expect(await decision(id)).toMatchObject({ status: 'PROPOSED', approvedBy: null });

    await setMode('ON');
    const approved = await approve(id);
    expect(approved.errors).toBeUndefined();
    expect(approved.data.approveDecision).toMatchObject({
      status: 'EXECUTED',
      mode: 'DRY_RUN',
      executedMode: 'ON',
      approvedBy: 'a'.repeat(24),
      heldBy: null,
    });
    expect(await activeEffects()).toMatchObject([{ target: `ip:${STORM_IP}` }]);
  });

  it('a DRY_RUN proposal whose burst still goes on is taken up by the loop once ON', async () => {
    await start({ defaultMode: 'DRY_RUN' });
    await favour('failed_login_burst', 'block_client', ['tighten_rate_limits', 'open_incident']);
    await loginStorm();
    const [proposed] = (await tick()).decisions;
    await setMode('ON');
    clock.advance(20_000);
    await loginStorm(); // still storming
    const report = await tick();
    const again = report.decisions.find((d) => d._id.equals(proposed._id));
    expect(again).toMatchObject({ status: 'EXECUTED', executedMode: 'ON' });
  });
});

describe('budgets and approvals (finding 2)', () => {
  it('a decision over the budget waits and runs when the budget allows; approvals count against it', async () => {
    const notifier = new RecordingOwnerNotifier();
    await start({ maxActionsPerHour: 1, approvalTtlMs: 3 * 3_600_000, ownerNotifier: notifier });
    await favour('failed_login_burst', 'block_client', ['tighten_rate_limits', 'open_incident']);
    await favour('critical_alerts', 'notify_critical_owners', ['open_incident', 'recompute_vehicle_health']);
    await a.bus.append(HEALTH_ALERTS, healthAlert('al1', 'veh-1', 'CRITICAL'));
    await waitUntil(async () => (await database.db.collection('health_alerts_seen').countDocuments()) === 1);
    const [notify] = (await tick()).decisions;
    expect(notify).toMatchObject({ action: 'notify_critical_owners', status: 'APPROVAL_REQUIRED', risk: 'HIGH' });

    clock.advance(MINUTE);
    await loginStorm();
    const [block] = (await tick()).decisions;
    expect(block).toMatchObject({ action: 'block_client', status: 'EXECUTED' });

    // The hour's one action is spent: the HIGH-risk approval no longer bypasses the budget.
    const refused = await approve(notify._id.toHexString());
    expect(codes(refused)).toEqual(['CONFLICT']);
    expect(refused.errors![0].message).toMatch(/budget: already 1 actions in the last hour \(at most 1\)/);
    expect(notifier.requests).toHaveLength(0);
    expect(await decision(notify._id.toHexString())).toMatchObject({ status: 'APPROVAL_REQUIRED', approvedBy: null });

    // A second burst meanwhile is held back by the budget, not lost.
    clock.advance(2 * MINUTE);
    await tick(); // the storm is over: the trigger re-arms
    clock.advance(18 * MINUTE);
    await loginStorm(30, '198.51.100.9');
    const [second] = (await tick()).decisions;
    expect(second).toMatchObject({ action: 'block_client', status: 'PROPOSED', heldBy: 'BUDGET' });

    // An hour on, the budget allows one again: the held block runs first if its burst goes on...
    clock.advance(41 * MINUTE);
    await loginStorm(30, '198.51.100.9');
    const later = await tick();
    expect(later.decisions.find((d) => d._id.equals(second._id))).toMatchObject({ status: 'EXECUTED' });
    // ...and the approval waits for the next place.
    expect(codes(await approve(notify._id.toHexString()))).toEqual(['CONFLICT']);
    clock.advance(61 * MINUTE);
    const approved = await approve(notify._id.toHexString());
    expect(approved.data.approveDecision).toMatchObject({ status: 'EXECUTED', executedMode: 'ON' });
    expect(notifier.requests).toHaveLength(1);
  });

  it('pending approvals expire after the configured time, with a notification', async () => {
    const notifier = new RecordingOwnerNotifier();
    await start({ approvalTtlMs: 10 * MINUTE, ownerNotifier: notifier });
    await favour('critical_alerts', 'notify_critical_owners', ['open_incident', 'recompute_vehicle_health']);
    const events: DecisionEvent[] = [];
    a.bus.subscribe<DecisionEvent>(DECISIONS_TOPIC, (e) => void events.push(e));
    await a.bus.append(HEALTH_ALERTS, healthAlert('al1', 'veh-1', 'CRITICAL'));
    await waitUntil(async () => (await database.db.collection('health_alerts_seen').countDocuments()) === 1);
    const [waiting] = (await tick()).decisions;
    const id = waiting._id.toHexString();
    expect(waiting.status).toBe('APPROVAL_REQUIRED');

    clock.advance(9 * MINUTE);
    expect((await tick()).decisionsExpired).toBe(0);
    clock.advance(MINUTE);
    expect((await tick()).decisionsExpired).toBe(1);
    expect(await decision(id)).toMatchObject({
      status: 'EXPIRED',
      statusReason: expect.stringMatching(/no admin approved it/),
    });
    expect(events.filter((e) => e.id === id).map((e) => e.status)).toEqual(['APPROVAL_REQUIRED', 'EXPIRED']);
    expect(codes(await approve(id))).toEqual(['CONFLICT']);
    expect(notifier.requests).toHaveLength(0);
  });
});

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
