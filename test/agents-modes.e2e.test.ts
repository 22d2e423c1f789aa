import { ObjectId } from 'mongodb';
import {
  AgentIncidentsDocument,
  AgentTeamDocument,
  ApproveDecisionDocument,
  AutonomousStatusDocument,
  DecisionsDocument,
  LoginDocument,
  RejectDecisionDocument,
  RunAutonomousTickDocument,
  SetAutonomousModeDocument,
  TriggerFiringsDocument,
  type DecisionFieldsFragment,
} from './generated/graphql.js';
import {
  openAiCompletion,
  startFakeAiServer,
  withModels,
  type FakeAiServer,
  type RecordedRequest,
} from '../agents/providers/testing/fake-ai-servers.js';
import { adminToken, agentsDb, effectVisible, reportErrors, tokenWithRoles } from './agents.js';
import { errorCodes } from './client.js';
import { startTestSystem, type TestSystem } from './harness.js';
import { registerDriver } from './live.js';
import { waitFor } from './wait-for.js';

// Starts OFF, with an OpenAI key pointing at a local fake, and with every action the error and
// security triggers can choose needing an admin's approval.
const PARAMETERS: Record<string, unknown> = {
  raise_log_level: { services: ['agents'], level: 'debug', durationMinutes: 15 },
  open_incident: { title: 'Errors spiking', severity: 'MEDIUM', summary: 'Investigate the spike.' },
  tighten_rate_limits: { scopes: ['client_errors'], factor: 0.5, durationMinutes: 15 },
  no_op: {},
};

/** Answers with the first action the request allows, as a model constrained by the schema would. */
function modelAnswer(request: RecordedRequest) {
  const allowed: string[] = request.body.response_format.json_schema.schema.properties.action.enum;
  const action = allowed.find((a) => a !== 'no_op') ?? 'no_op';
  return openAiCompletion({
    action,
    parameters: PARAMETERS[action],
    reasoning: `The model picks ${action}.`,
    confidence: 0.7,
  });
}

let fake: FakeAiServer;
let t: TestSystem;
let admin: string;
let customer: string;

beforeAll(async () => {
  // It answers the providers' model listings too (the check at start-up and at deploy).
  fake = await startFakeAiServer(withModels(['gpt-4.1'], modelAnswer));
  t = await startTestSystem({
    AGENTS_MODE: 'OFF',
    AGENTS_LOOP_INTERVAL_SECONDS: '3600',
    OPENAI_API_KEY: 'sk-test-fake',
    OPENAI_BASE_URL: fake.openAiBaseURL,
    AGENTS_APPROVAL_ACTIONS: 'raise_log_level,open_incident,tighten_rate_limits',
    // The gateways' traffic (the FORBIDDEN burst) reaches the loop within a second, not ten.
    GATEWAY_METRICS_INTERVAL_SECONDS: '1',
  });
  admin = await adminToken(t);
  customer = (await registerDriver(t, 'modes-customer@example.com')).token;
});
afterAll(async () => {
  await t?.stop();
  await fake?.close();
});

const decisionsIn = async (category: string) =>
  (await t.request(DecisionsDocument, { filter: { category } }, { token: admin })).data!.decisions;
const errorBurstDecisions = async () =>
  (await decisionsIn('errors')).edges.map((e) => e.node).filter((d) => d.trigger.kind === 'client_error_burst');
const storedDecision = (id: string) =>
  agentsDb(t)
    .collection('decisions')
    .findOne({ _id: new ObjectId(id) });
/** Decisions waiting for an admin, once autonomousStatus's count agrees with the store's. */
async function approvalsPending() {
  const waitingNow = () => agentsDb(t).collection('decisions').find({ status: 'APPROVAL_REQUIRED' }).toArray();
  let pending = await waitingNow();
  await waitFor(async () => {
    const counted = (await status()).pendingApprovals;
    pending = await waitingNow();
    return counted === pending.length;
  }, 'pendingApprovals to match the waiting decisions');
  return pending;
}
const status = async () => (await t.request(AutonomousStatusDocument, {}, { token: admin })).data!.autonomousStatus;

describe('the kill switch', () => {
  it('OFF: an error burst is not evaluated, decided or acted on', async () => {
    await reportErrors(t, 50);
    const tick = (await t.request(RunAutonomousTickDocument, {}, { token: admin })).data!.runAutonomousTick;
    expect(tick).toMatchObject({ mode: 'OFF', skipped: true, firings: 0, decisions: [] });
    expect((await t.request(TriggerFiringsDocument, {}, { token: admin })).data!.triggerFirings.totalCount).toBe(0);
    expect((await decisionsIn('errors')).totalCount).toBe(0);
    // Only the start-up provider check (a models listing, no tokens) reached the model.
    expect(fake.requests.filter((r) => r.method !== 'GET')).toHaveLength(0);
    expect(await status()).toMatchObject({ mode: 'OFF', running: false, activeEffects: [] });
    const team = (await t.request(AgentTeamDocument, {}, { token: admin })).data!.agentTeam;
    expect(new Set(team.map((m) => m.status))).toEqual(new Set(['PAUSED']));
  });

  it('only admins switch it, and the choice is persisted', async () => {
    expect(errorCodes(await t.request(SetAutonomousModeDocument, { mode: 'ON' }, { token: customer }))).toEqual([
      'FORBIDDEN',
    ]);
    expect(
      errorCodes(await t.request(SetAutonomousModeDocument, { mode: 'ON' }, { token: tokenWithRoles(t, ['STAFF']) })),
    ).toEqual(['FORBIDDEN']);
    expect((await status()).mode).toBe('OFF');

    const set = await t.request(SetAutonomousModeDocument, { mode: 'DRY_RUN' }, { token: admin });
    expect(set.data!.setAutonomousMode).toMatchObject({ mode: 'DRY_RUN', running: true });
    expect(set.data!.setAutonomousMode.modeChangedBy).toMatch(/^[0-9a-f]{24}$/);
    expect(
      await agentsDb(t)
        .collection('autonomy')
        .findOne({ _id: 'mode' as never }),
    ).toMatchObject({ mode: 'DRY_RUN' });
  });
});

describe('DRY_RUN', () => {
  let proposed: DecisionFieldsFragment;

  it('decides through the configured OpenAI endpoint, the model choosing among every eligible action, and only proposes', async () => {
    const tick = (await t.request(RunAutonomousTickDocument, {}, { token: admin })).data!.runAutonomousTick;
    expect(tick).toMatchObject({ mode: 'DRY_RUN', skipped: false });
    // This tick takes the burst up, or one it woke a moment before (a breach wakes the loop at
    // once, and the mode switch's own traffic is checked): either way it is decided exactly once.
    await waitFor(async () => (await errorBurstDecisions()).length > 0, 'the proposal');
    const decided = await errorBurstDecisions();
    expect(decided).toHaveLength(1);
    proposed = decided[0];
    expect(proposed).toMatchObject({
      status: 'PROPOSED',
      mode: 'DRY_RUN',
      provider: 'openai',
      model: 'gpt-4.1',
      fallbackReason: null,
    });
    expect(proposed.statusReason).toMatch(/DRY_RUN: proposed only/);
    expect(proposed.reasoning).toMatch(/The model picks/);
    expect(proposed.costUsd).toBeGreaterThan(0);

    const call = fake.requests.find(
      (r) => r.method === 'POST' && JSON.stringify(r.body).includes('client_error_burst'),
    )!;
    expect(call.path).toBe('/v1/chat/completions');
    expect(call.headers.authorization).toBe('Bearer sk-test-fake');
    // Issue #13: the model is offered every eligible action (anonymous reports leave no client to
    // block and no case for debug logs), not only the bandit's pick, with what was learnt of each.
    expect(proposed.options.map((o) => o.action)).toEqual(['tighten_rate_limits', 'open_incident']);
    expect(call.body.response_format.json_schema.schema.properties.action.enum).toEqual([
      'tighten_rate_limits',
      'open_incident',
      'no_op',
    ]);
    expect(JSON.stringify(call.body)).toContain('never tried');
    // The fake answers with the first action it may: the model's choice stands, whatever the bandit drew.
    expect(proposed.action).toBe('tighten_rate_limits');
    expect(proposed.reasoning).toMatch(/The model chose tighten_rate_limits\./);
    const stored = await storedDecision(proposed.id);
    expect(stored?.choice).toEqual({
      bandit: expect.stringMatching(/^(tighten_rate_limits|open_incident)$/),
      model: 'tighten_rate_limits',
      control: false,
    });

    expect(await effectVisible(t, admin, proposed)).toBe(false);
    expect((await status()).activeEffects).toEqual([]);
    expect((await t.request(AgentIncidentsDocument, {}, { token: admin })).data!.agentIncidents.totalCount).toBe(0);
  });

  it('a proposal cannot be approved while DRY_RUN; after switching to ON an admin approves it, and it runs once', async () => {
    expect(errorCodes(await t.request(ApproveDecisionDocument, { id: proposed.id }, { token: admin }))).toEqual([
      'CONFLICT',
    ]);
    // Refused in DRY_RUN: still held, not carried out, still approvable (issue #13: nothing lost to guardrails).
    expect(await storedDecision(proposed.id)).toMatchObject({
      status: 'PROPOSED',
      heldBy: 'DRY_RUN',
      approvedBy: null,
      executedAt: null,
      execution: null,
    });
    expect(await effectVisible(t, admin, proposed)).toBe(false);

    await t.request(SetAutonomousModeDocument, { mode: 'ON' }, { token: admin });
    const approved = await t.request(ApproveDecisionDocument, { id: proposed.id }, { token: admin });
    expect(approved.errors).toBeUndefined();
    expect(approved.data!.approveDecision).toMatchObject({
      id: proposed.id,
      action: 'tighten_rate_limits',
      status: 'EXECUTED',
      mode: 'DRY_RUN',
      approvedBy: expect.stringMatching(/^[0-9a-f]{24}$/),
    });
    expect(approved.data!.approveDecision.execution!.success).toBe(true);
    // Decided in DRY_RUN, carried out in ON: the mode read right before executing is recorded.
    expect(await storedDecision(proposed.id)).toMatchObject({ status: 'EXECUTED', executedMode: 'ON' });
    expect(await effectVisible(t, admin, proposed)).toBe(true);

    // Once carried out, it is settled: neither approved again nor rejected.
    expect(errorCodes(await t.request(ApproveDecisionDocument, { id: proposed.id }, { token: admin }))).toEqual([
      'CONFLICT',
    ]);
    expect(
      errorCodes(await t.request(RejectDecisionDocument, { id: proposed.id, reason: 'not now' }, { token: admin })),
    ).toEqual(['CONFLICT']);
    expect(await storedDecision(proposed.id)).toMatchObject({ status: 'EXECUTED', rejectedBy: null });
    expect((await errorBurstDecisions()).map((d) => d.status)).toEqual(['EXECUTED']);
  });
});

describe('ON, with approval required', () => {
  let waiting: DecisionFieldsFragment;

  it("a failed-login burst reported by identity waits for an admin's approval", async () => {
    await t.request(SetAutonomousModeDocument, { mode: 'ON' }, { token: admin });
    await registerDriver(t, 'target@example.com');
    for (let i = 0; i < 25; i++)
      await t.request(LoginDocument, { email: 'target@example.com', password: `wrong-password-${i}` });
    const loginBursts = async () =>
      (await decisionsIn('security')).edges.map((e) => e.node).filter((d) => d.trigger.kind === 'failed_login_burst');
    await waitFor(async () => (await loginBursts()).length > 0, 'the security decision');
    const bursts = await loginBursts();
    expect(bursts).toHaveLength(1);
    waiting = bursts[0];
    expect(waiting).toMatchObject({
      status: 'APPROVAL_REQUIRED',
      provider: 'openai',
      member: { name: 'Marcus Webb', role: 'Security Expert' },
    });
    expect(waiting.trigger).toMatchObject({ kind: 'failed_login_burst', metric: 'failed_logins_per_minute' });
    expect(waiting.trigger.value).toBeGreaterThanOrEqual(20);
    expect(waiting.statusReason).toMatch(/approved by an admin/);
    expect(await effectVisible(t, admin, waiting)).toBe(false);
    // It is the one security decision waiting; the count admins see is every waiting decision
    // (a loaded machine may also push the gateway's p95 past 150 ms, whose incident waits too).
    const pending = await approvalsPending();
    expect(pending.filter((d) => d.category === 'security').map((d) => d._id.toHexString())).toEqual([waiting.id]);
    expect(pending.filter((d) => d.trigger.kind === 'failed_login_burst')).toHaveLength(1);
  });

  it('non-admins cannot approve, and the kill switch stops approvals too', async () => {
    for (const token of [customer, tokenWithRoles(t, ['STAFF'])]) {
      expect(errorCodes(await t.request(ApproveDecisionDocument, { id: waiting.id }, { token }))).toEqual([
        'FORBIDDEN',
      ]);
    }
    await t.request(SetAutonomousModeDocument, { mode: 'OFF' }, { token: admin });
    expect(errorCodes(await t.request(ApproveDecisionDocument, { id: waiting.id }, { token: admin }))).toEqual([
      'CONFLICT',
    ]);
    await t.request(SetAutonomousModeDocument, { mode: 'ON' }, { token: admin });
    expect(await effectVisible(t, admin, waiting)).toBe(false);
  });

  it("an admin's approval runs it, once", async () => {
    const approved = await t.request(ApproveDecisionDocument, { id: waiting.id }, { token: admin });
    expect(approved.errors).toBeUndefined();
    expect(approved.data!.approveDecision).toMatchObject({
      status: 'EXECUTED',
      approvedBy: expect.stringMatching(/^[0-9a-f]{24}$/),
    });
    expect(approved.data!.approveDecision.execution!.success).toBe(true);
    expect(await effectVisible(t, admin, waiting)).toBe(true);
    expect(errorCodes(await t.request(ApproveDecisionDocument, { id: waiting.id }, { token: admin }))).toEqual([
      'CONFLICT',
    ]);
    expect(
      errorCodes(await t.request(ApproveDecisionDocument, { id: '0123456789abcdef01234567' }, { token: admin })),
    ).toEqual(['NOT_FOUND']);
  });
});

describe('back in DRY_RUN', () => {
  it('a proposal can be rejected instead, once, and is never carried out', async () => {
    await t.request(SetAutonomousModeDocument, { mode: 'DRY_RUN' }, { token: admin });
    // A burst of FORBIDDEN answers: a customer trying an admin's switch, over and over.
    for (let i = 0; i < 35; i++) {
      expect(errorCodes(await t.request(SetAutonomousModeDocument, { mode: 'OFF' }, { token: customer }))).toEqual([
        'FORBIDDEN',
      ]);
    }
    const forbiddenBurst = async () =>
      (await decisionsIn('security')).edges.map((e) => e.node).filter((d) => d.trigger.kind === 'forbidden_burst');
    await t.request(RunAutonomousTickDocument, {}, { token: admin });
    await waitFor(async () => (await forbiddenBurst()).length > 0, 'the proposal');
    const [proposal] = await forbiddenBurst();
    expect(proposal).toMatchObject({ status: 'PROPOSED', mode: 'DRY_RUN', provider: 'openai' });

    const rejected = await t.request(RejectDecisionDocument, { id: proposal.id, reason: 'not now' }, { token: admin });
    expect(rejected.data!.rejectDecision).toMatchObject({ status: 'REJECTED', rejectionReason: 'not now' });
    expect(errorCodes(await t.request(RejectDecisionDocument, { id: proposal.id }, { token: admin }))).toEqual([
      'CONFLICT',
    ]);
    // Rejected stays rejected: not approvable once ON, and never acted on.
    await t.request(SetAutonomousModeDocument, { mode: 'ON' }, { token: admin });
    expect(errorCodes(await t.request(ApproveDecisionDocument, { id: proposal.id }, { token: admin }))).toEqual([
      'CONFLICT',
    ]);
    expect(await storedDecision(proposal.id)).toMatchObject({ status: 'REJECTED', executedAt: null, execution: null });
    expect(await effectVisible(t, admin, proposal)).toBe(false);
  });
});
