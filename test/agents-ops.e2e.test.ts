import {
  AcknowledgeIncidentDocument,
  DeployTeamDocument,
  GoalFiguresDocument,
  IncidentByIdDocument,
  IncidentsByStatusDocument,
  ProviderHealthDocument,
  ResolveIncidentDocument,
  RunAutonomousTickDocument,
  UpdateGoalDocument,
} from './generated/graphql.js';
import { adminToken, agentsDb, tokenWithRoles } from './agents.js';
import { errorCodes } from './client.js';
import { startTestSystem, type TestSystem } from './harness.js';
import { registerDriver, vehicleWithDevice } from './live.js';
import { waitFor } from './wait-for.js';
import { remoteIndexCheckers } from '../agents/effects/index-checkers.js';
import {
  anthropicError,
  openAiCompletion,
  startFakeAiServer,
  withModels,
  type FakeAiServer,
} from '../agents/providers/testing/fake-ai-servers.js';

/*
 * Issue #13 through the gateway: deploying the team (findings 7 and 8), goals from data and
 * their validation (finding 8), incidents that are one per condition and can be acknowledged
 * and resolved, by admins or by the condition clearing (finding 6).
 */
let t: TestSystem;
let openai: FakeAiServer;
let anthropic: FakeAiServer;
let admin: string;
let staff: string;
let customer: string;

// The model asks for a LOW incident whatever the gap: the gap decides the severity.
const lowIncident = {
  action: 'open_incident',
  parameters: { title: 'A goal is behind', severity: 'LOW', summary: 'Behind its path.' },
  reasoning: 'People should look at it.',
  confidence: 0.7,
};

beforeAll(async () => {
  openai = await startFakeAiServer(withModels(['gpt-4.1'], () => openAiCompletion(lowIncident)));
  anthropic = await startFakeAiServer(() => anthropicError(401, 'invalid x-api-key'));
  t = await startTestSystem({
    AGENTS_MODE: 'OFF',
    AGENTS_LOOP_INTERVAL_SECONDS: '3600',
    AGENTS_CONTROL_SHARE: '0',
    OPENAI_API_KEY: 'sk-test-openai',
    OPENAI_BASE_URL: openai.openAiBaseURL,
    ANTHROPIC_API_KEY: 'sk-test-anthropic',
    ANTHROPIC_BASE_URL: anthropic.anthropicBaseURL,
  });
  admin = await adminToken(t);
  staff = tokenWithRoles(t, ['STAFF']);
  customer = (await registerDriver(t, 'ops-customer@example.com')).token;
});
afterAll(async () => {
  await t?.stop();
  await Promise.all([openai?.close(), anthropic?.close()]);
});

const deploy = (token?: string) =>
  fetch(`${t.baseUrl}/api/v1/autonomous-system/team/deploy`, {
    method: 'POST',
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
const mode = async () => (await t.request(ProviderHealthDocument, {}, { token: admin })).data!.autonomousStatus.mode;
const goal = async (id: string) =>
  (await t.request(GoalFiguresDocument, {}, { token: admin })).data!.goals.find((g) => g.id === id)!;
const tick = async () => {
  const { data, errors } = await t.request(RunAutonomousTickDocument, {}, { token: admin });
  if (errors) throw new Error(JSON.stringify(errors));
  return data!.runAutonomousTick;
};
const incidents = async (status?: 'OPEN' | 'ACKNOWLEDGED' | 'RESOLVED') =>
  (await t.request(IncidentsByStatusDocument, { status, first: 50 }, { token: admin })).data!.agentIncidents.edges.map(
    (e) => e.node,
  );

describe('POST /api/v1/autonomous-system/team/deploy', () => {
  it('is refused to anyone but admins, and changes nothing', async () => {
    expect((await deploy()).status).toBe(401);
    for (const token of [customer, staff]) {
      const denied = await deploy(token);
      expect(denied.status).toBe(403);
      expect(((await denied.json()) as any).errors[0].extensions.code).toBe('FORBIDDEN');
      expect(errorCodes(await t.request(DeployTeamDocument, {}, { token }))).toEqual(['FORBIDDEN']);
    }
    expect(await mode()).toBe('OFF');
  });

  it('providers were checked at start-up already, even with the team OFF', async () => {
    await waitFor(async () => openai.requests.length > 0 && anthropic.requests.length > 0, 'the start-up check');
    expect(openai.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v1/models']);
    await waitFor(
      async () =>
        (await t.request(ProviderHealthDocument, {}, { token: admin })).data!.autonomousStatus.providers.every(
          (p) => !p.available || p.lastCheckedAt !== null,
        ),
      'the start-up check to show',
    );
    expect(await mode()).toBe('OFF');
  });

  it('switches the team ON, checks every provider and trigger, and reports what it found', async () => {
    const res = await deploy(admin);
    expect(res.status).toBe(200);
    const report = ((await res.json()) as any).data.deployTeam;
    expect(report).toMatchObject({ previousMode: 'OFF', status: { mode: 'ON' } });
    const providers = Object.fromEntries(report.providers.map((p: any) => [p.provider, p]));
    expect(providers.openai).toMatchObject({ configured: true, ok: true, modelListed: true });
    expect(providers.anthropic).toMatchObject({ configured: true, ok: false, status: 401 });
    expect(providers.gemini).toMatchObject({ configured: false, ok: null });
    expect(report.findings).toContain('anthropic failed its check (HTTP 401): it is asked last.');
    expect(report.triggers.map((x: any) => x.kind)).toEqual(
      expect.arrayContaining([
        'p95_latency',
        'error_rate',
        'client_error_burst',
        'failed_login_burst',
        'critical_alerts',
      ]),
    );
    for (const trigger of report.triggers) expect(['OK', 'BREACHED', 'NO_DATA']).toContain(trigger.signal);
    expect(report.routines.map((r: any) => r.kind)).toEqual(['morning_routine', 'evening_routine']);
    // Listing models costs no tokens: no completion was asked (one check at start-up, one now).
    expect(openai.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v1/models', 'GET /v1/models']);
    expect(report.status.providers.find((p: any) => p.provider === 'anthropic')).toMatchObject({
      healthy: false,
      lastCheckOk: false,
    });
  });

  it('shows the checks in autonomousStatus, and the mode stays ON', async () => {
    const status = (await t.request(ProviderHealthDocument, {}, { token: staff })).data!.autonomousStatus;
    expect(status.mode).toBe('ON');
    const byId = Object.fromEntries(status.providers.map((p) => [p.provider, p]));
    expect(byId.openai).toMatchObject({ available: true, healthy: true, lastCheckOk: true, modelListed: true });
    expect(byId.anthropic).toMatchObject({ available: true, healthy: false, lastCheckOk: false });
    expect(byId.anthropic.lastCheckError).not.toContain('sk-test-anthropic');
    expect(byId.openai.lastCheckedAt).not.toBeNull();
  });
});

describe('goals from data', () => {
  it('marks what no service measures MANUAL, and measures active OBD devices through the vehicles service', async () => {
    expect(await goal('market_share')).toMatchObject({ source: 'MANUAL' });
    expect(await goal('revenue')).toMatchObject({ source: 'PAYMENTS' });
    expect(await goal('active_devices')).toMatchObject({ source: 'VEHICLES', current: 0 });
    const driver = await registerDriver(t, 'ops-driver@example.com');
    await vehicleWithDevice(t, driver, '1HGCM82633A004352');
    await tick();
    expect(await goal('active_devices')).toMatchObject({ current: 1 });
    expect(await goal('alerts_handled')).toMatchObject({ source: 'HEALTH', current: 100 });
  });

  it('refuses a negative count with BAD_USER_INPUT and stores nothing', async () => {
    const before = await goal('features_per_year');
    const changes = await agentsDb(t).collection('goal_changes').countDocuments({});
    const refused = await t.request(
      UpdateGoalDocument,
      { input: { id: 'features_per_year', current: -4, reason: 'a typo' } },
      { token: admin },
    );
    expect(errorCodes(refused)).toEqual(['BAD_USER_INPUT']);
    expect((refused.errors![0].extensions as any).field).toBe('current');
    expect(await goal('features_per_year')).toEqual(before);
    expect(await agentsDb(t).collection('goal_changes').countDocuments({})).toBe(changes);
  });
});

describe('incidents', () => {
  let revenueIncident: string;
  let shareIncident: string;

  it('an off-track goal opens one incident, as severe as its gap, listing its decision', async () => {
    // Due in a moment: by then each goal should be at its target, and is at its start.
    const dueAt = new Date(Date.now() + 1000).toISOString();
    for (const id of ['revenue', 'market_share']) {
      const { errors } = await t.request(
        UpdateGoalDocument,
        { input: { id, dueAt, reason: 'a tight deadline' } },
        { token: admin },
      );
      expect(errors).toBeUndefined();
    }
    await new Promise((resolve) => setTimeout(resolve, 1200));
    // This tick, or one the loop ran on its own meanwhile, takes up both firings.
    await tick();
    await waitFor(
      async () => (await incidents('OPEN')).filter((i) => i.triggerKind === 'goal_off_track').length === 2,
      'an incident per goal',
    );

    const open = await incidents('OPEN');
    const revenue = open.find((i) => i.subject === 'revenue')!;
    const share = open.find((i) => i.subject === 'market_share')!;
    expect(revenue).toMatchObject({ triggerKind: 'goal_off_track', severity: 'CRITICAL', occurrences: 1 });
    expect(revenue.decisions).toEqual([
      expect.objectContaining({ id: revenue.decisionIds[0], action: 'open_incident', status: 'EXECUTED' }),
    ]);
    revenueIncident = revenue.id;
    shareIncident = share.id;

    // Another tick while the goals stay behind: still one incident each, nothing new.
    await tick();
    expect((await incidents()).filter((i) => i.triggerKind === 'goal_off_track')).toHaveLength(2);
  });

  it('non-admins cannot acknowledge or resolve: FORBIDDEN, and nothing changes', async () => {
    for (const token of [customer, staff]) {
      expect(errorCodes(await t.request(AcknowledgeIncidentDocument, { id: revenueIncident }, { token }))).toEqual([
        'FORBIDDEN',
      ]);
      expect(errorCodes(await t.request(ResolveIncidentDocument, { id: revenueIncident }, { token }))).toEqual([
        'FORBIDDEN',
      ]);
    }
    const incident = (await t.request(IncidentByIdDocument, { id: revenueIncident }, { token: staff })).data!
      .agentIncident!;
    expect(incident).toMatchObject({ status: 'OPEN', acknowledgedBy: null, resolvedBy: null });
  });

  it('admins acknowledge once and resolve; bad ids are refused', async () => {
    const acked = await t.request(AcknowledgeIncidentDocument, { id: revenueIncident }, { token: admin });
    expect(acked.data!.acknowledgeIncident).toMatchObject({ status: 'ACKNOWLEDGED' });
    expect(acked.data!.acknowledgeIncident.acknowledgedBy).toMatch(/^[0-9a-f]{24}$/);
    expect(errorCodes(await t.request(AcknowledgeIncidentDocument, { id: revenueIncident }, { token: admin }))).toEqual(
      ['CONFLICT'],
    );

    const resolved = await t.request(
      ResolveIncidentDocument,
      { id: shareIncident, resolution: 'Market share is measured quarterly.' },
      { token: admin },
    );
    expect(resolved.data!.resolveIncident).toMatchObject({
      status: 'RESOLVED',
      resolution: 'Market share is measured quarterly.',
    });
    expect(errorCodes(await t.request(ResolveIncidentDocument, { id: shareIncident }, { token: admin }))).toEqual([
      'CONFLICT',
    ]);
    expect(errorCodes(await t.request(ResolveIncidentDocument, { id: 'nope' }, { token: admin }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(errorCodes(await t.request(AcknowledgeIncidentDocument, { id: 'f'.repeat(24) }, { token: admin }))).toEqual([
      'NOT_FOUND',
    ]);
  });

  it('resolves itself when the condition clears', async () => {
    // Revenue is measured (payments' ledger), so its figure cannot be typed in; a target it has reached can.
    const { errors } = await t.request(
      UpdateGoalDocument,
      { input: { id: 'revenue', target: 2_500_000, reason: 'the plan was revised' } },
      { token: admin },
    );
    expect(errors).toBeUndefined();
    await tick();
    const incident = (await t.request(IncidentByIdDocument, { id: revenueIncident }, { token: admin })).data!
      .agentIncident!;
    expect(incident).toMatchObject({ status: 'RESOLVED', resolvedBy: 'system', resolution: 'the condition cleared' });
    expect(await incidents('OPEN')).toEqual([]);
  });
});

describe('index checks per service', () => {
  it("every service answers its contract's index check: what its stores declare is in its database", async () => {
    const urls = Object.fromEntries(t.system.subgraphs.map((g) => [g.name, g.url]));
    const checkers = remoteIndexCheckers(urls, t.config.INTERNAL_SECRET);
    expect(Object.keys(checkers).sort()).toEqual([
      'health',
      'identity',
      'marketplace',
      'payments',
      'telemetry',
      'vehicles',
    ]);
    for (const [service, check] of Object.entries(checkers)) {
      const report = await check();
      expect(report).toMatchObject({ service, missing: [] });
      expect(report.checked).toBeGreaterThan(0);
    }
    // Without the internal secret the route refuses.
    const refused = await fetch(new URL('/internal/vehicles/indexes', urls.vehicles));
    expect(refused.status).toBe(403);
  });
});
