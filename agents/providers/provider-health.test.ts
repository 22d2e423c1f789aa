import { createLogger } from '../../platform/logger.js';
import { ManualClock } from '../clock.js';
import { EXPLORATION_SAMPLES, taskClassFor } from './config.js';
import { rankProviders, type RouteCandidate } from './ranking.js';
import { ProviderRouter } from './router.js';
import {
  anthropicError,
  anthropicToolUse,
  openAiCompletion,
  startFakeAiServer,
  withModels,
  type FakeAiServer,
} from './testing/fake-ai-servers.js';
import type { DecisionRequest } from './types.js';

const silent = createLogger({ service: 'agents-test', level: 'silent' });
const loginBurst: DecisionRequest = {
  taskClass: 'security',
  triggerKind: 'failed_login_burst',
  metrics: { failed_logins_per_minute: 240 },
};
const securityDecision = {
  action: 'tighten_rate_limits',
  parameters: { scopes: ['login'], factor: 0.5, durationMinutes: 30 },
  reasoning: 'Credential stuffing.',
  confidence: 0.9,
};

const candidate = (id: RouteCandidate['id'], position: number, over: Partial<RouteCandidate> = {}): RouteCandidate => ({
  id,
  position,
  circuit: 'closed',
  checkOk: true,
  p95Ms: 800,
  budgetLeftShare: 1,
  ...over,
});

describe('spreading load by health, latency and cost', () => {
  it("keeps the route's order while every provider is healthy, fast and within budget", () => {
    expect(rankProviders([candidate('openai', 0), candidate('anthropic', 1), candidate('gemini', 2)])).toEqual([
      'openai',
      'anthropic',
      'gemini',
    ]);
  });

  it('moves an open circuit or a failed check behind every healthy provider', () => {
    const ranked = rankProviders([
      candidate('openai', 0, { circuit: 'open' }),
      candidate('anthropic', 1, { checkOk: false }),
      candidate('gemini', 2),
      candidate('grok', 3),
    ]);
    expect(ranked).toEqual(['gemini', 'grok', 'openai', 'anthropic']);
  });

  it('a slow provider, or one that has spent most of its day, yields its place to the next only', () => {
    expect(
      rankProviders([
        candidate('openai', 0, { p95Ms: 4000 }),
        candidate('anthropic', 1, { p95Ms: 900 }),
        candidate('gemini', 2, { p95Ms: 1000 }),
      ]),
    ).toEqual(['anthropic', 'openai', 'gemini']);
    expect(
      rankProviders([
        candidate('openai', 0, { budgetLeftShare: 0.1 }),
        candidate('anthropic', 1),
        candidate('gemini', 2),
      ]),
    ).toEqual(['anthropic', 'openai', 'gemini']);
  });
});

describe('provider checks', () => {
  let openai: FakeAiServer;
  let anthropic: FakeAiServer;
  beforeEach(async () => {
    openai = await startFakeAiServer(withModels(['gpt-4.1', 'gpt-4.1-mini'], () => openAiCompletion(securityDecision)));
    anthropic = await startFakeAiServer(() => anthropicError(401, 'invalid x-api-key'));
  });
  afterEach(async () => Promise.all([openai.close(), anthropic.close()]));

  it('list each provider`s models, show the verdict in the status, and route around a failed one', async () => {
    const clock = new ManualClock(Date.parse('2030-01-01T00:00:00Z'));
    const router = new ProviderRouter({
      providers: {
        openai: { apiKey: 'sk-o', baseURL: openai.openAiBaseURL },
        anthropic: { apiKey: 'sk-a', baseURL: anthropic.anthropicBaseURL },
      },
      clock,
      logger: silent,
    });
    // Security work goes to Anthropic first by its role.
    expect(router.routeFor('security')).toEqual(['anthropic', 'openai']);

    const checks = await router.checkProviders();
    expect(checks.find((c) => c.provider === 'openai')).toMatchObject({ ok: true, modelListed: true });
    expect(checks.find((c) => c.provider === 'anthropic')).toMatchObject({ ok: false, status: 401 });
    expect(openai.requests.map((r) => [r.method, r.path])).toEqual([['GET', '/v1/models']]);
    expect(anthropic.requests.map((r) => [r.method, r.path.split('?')[0]])).toEqual([['GET', '/v1/models']]);
    const status = Object.fromEntries(router.status().map((s) => [s.provider, s]));
    expect(status.openai).toMatchObject({ healthy: true, check: { ok: true } });
    expect(status.anthropic).toMatchObject({ healthy: false, check: { ok: false, status: 401 } });
    expect(status.anthropic.check!.error).not.toContain('sk-a');
    expect(status.gemini).toMatchObject({ available: false, healthy: false, check: null });

    // Until a check passes, the failed provider is asked last: no call is wasted on it.
    expect(router.routeFor('security')).toEqual(['openai', 'anthropic']);
    const result = await router.decide(loginBurst);
    expect(result.provider).toBe('openai');
    expect(anthropic.requests).toHaveLength(1);

    // Once its key works again, the next check puts it back in its place.
    anthropic.setHandler(withModels(['claude-sonnet-4-6'], () => anthropicToolUse(securityDecision)));
    await router.checkProviders();
    expect(router.routeFor('security')).toEqual(['anthropic', 'openai']);
  });
});

describe('a provider check', () => {
  it('that gets no answer in time fails, without holding anything up for long', async () => {
    const silentServer = await startFakeAiServer(() => new Promise(() => undefined));
    try {
      const router = new ProviderRouter({
        providers: { deepseek: { apiKey: 'd', baseURL: silentServer.openAiBaseURL, timeoutMs: 300 } },
        logger: silent,
      });
      const started = Date.now();
      const [check] = await router.checkProviders();
      expect(check).toMatchObject({ provider: 'deepseek', ok: false, modelListed: null });
      expect(Date.now() - started).toBeLessThan(3000);
      expect(router.status().find((p) => p.provider === 'deepseek')).toMatchObject({ healthy: false });
    } finally {
      await silentServer.close();
    }
  });
});

describe("the seed's creative and experimental routes", () => {
  it('send reports and owner messages to the creative route, triggers still being explored to the experimental one', () => {
    expect(taskClassFor('morning_routine')).toBe('creative');
    expect(taskClassFor('evening_routine')).toBe('creative');
    expect(taskClassFor('critical_alerts', { learnedOutcomes: 0 })).toBe('creative');
    expect(taskClassFor('p95_latency', { learnedOutcomes: 0 })).toBe('experimental');
    expect(taskClassFor('p95_latency', { learnedOutcomes: EXPLORATION_SAMPLES })).toBe('complex');
    // Security stays with the providers trusted for it, explored or not.
    expect(taskClassFor('failed_login_burst', { learnedOutcomes: 0 })).toBe('security');
  });

  it('are served by Gemini and Grok first when they have keys', async () => {
    const gemini = await startFakeAiServer(() => openAiCompletion(securityDecision, { model: 'gemini-2.5-flash' }));
    const grok = await startFakeAiServer(() => openAiCompletion(securityDecision, { model: 'grok-3-mini' }));
    const openai = await startFakeAiServer(() => openAiCompletion(securityDecision));
    try {
      const router = new ProviderRouter({
        providers: {
          openai: { apiKey: 'o', baseURL: openai.openAiBaseURL },
          gemini: { apiKey: 'g', baseURL: gemini.openAiBaseURL },
          grok: { apiKey: 'x', baseURL: grok.openAiBaseURL },
        },
        logger: silent,
      });
      expect(router.routeFor(taskClassFor('critical_alerts'))[0]).toBe('gemini');
      expect(router.routeFor(taskClassFor('p95_latency', { learnedOutcomes: 1 }))[0]).toBe('grok');
      expect(router.routeFor(taskClassFor('p95_latency', { learnedOutcomes: 50 }))[0]).toBe('openai');
    } finally {
      await Promise.all([gemini.close(), grok.close(), openai.close()]);
    }
  });
});
