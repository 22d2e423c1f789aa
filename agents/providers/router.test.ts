import { createLogger } from '../../platform/logger.js';
import { ManualClock } from '../clock.js';
import { ProviderRouter, type RouterOptions } from './router.js';
import {
  anthropicError,
  anthropicText,
  anthropicToolUse,
  openAiCompletion,
  openAiError,
  startFakeAiServer,
  type FakeAiServer,
} from './testing/fake-ai-servers.js';
import type { DecisionRequest } from './types.js';

const call0 = (server: FakeAiServer) => server.requests[0];
const silent = createLogger({ service: 'agents-test', level: 'silent' });

const errorBurst: DecisionRequest = {
  taskClass: 'complex',
  triggerKind: 'client_error_burst',
  // Reported by signed-in users: the policy's standing answer, debug logging, applies (debug-logging-signal.ts).
  metrics: { client_errors_per_minute: 57, signed_in_client_errors_per_minute: 57 },
  targets: { services: ['gateway'] },
};

const loginBurst: DecisionRequest = {
  taskClass: 'security',
  triggerKind: 'failed_login_burst',
  metrics: { failed_logins_per_minute: 240 },
};

const modelDecision = {
  action: 'raise_log_level',
  parameters: { services: ['gateway'], level: 'debug', durationMinutes: 20 },
  reasoning: 'A burst of client errors; more detail in the gateway logs will show the cause.',
  confidence: 0.8,
};

const securityDecision = {
  action: 'tighten_rate_limits',
  parameters: { scopes: ['login'], factor: 0.3, durationMinutes: 60 },
  reasoning: '240 failed logins a minute looks like credential stuffing.',
  confidence: 0.9,
};

describe('ProviderRouter against fake OpenAI and Anthropic servers', () => {
  let openai: FakeAiServer;
  let anthropic: FakeAiServer;
  let compat: FakeAiServer;
  let clock: ManualClock;
  let sleeps: number[];

  beforeEach(async () => {
    openai = await startFakeAiServer(() => openAiCompletion(modelDecision));
    anthropic = await startFakeAiServer(() => anthropicToolUse(securityDecision));
    compat = await startFakeAiServer(() => openAiCompletion(modelDecision, { model: 'deepseek-chat' }));
    clock = new ManualClock(Date.parse('2025-06-01T12:00:00Z'));
    sleeps = [];
  });

  afterEach(async () => {
    await Promise.all([openai.close(), anthropic.close(), compat.close()]);
  });

  function router(
    overrides: Partial<RouterOptions> = {},
    providers: RouterOptions['providers'] = undefined,
  ): ProviderRouter {
    return new ProviderRouter({
      providers: providers ?? {
        openai: { apiKey: 'sk-openai-test', baseURL: openai.openAiBaseURL },
        anthropic: { apiKey: 'sk-ant-test', baseURL: anthropic.anthropicBaseURL },
      },
      retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 4 },
      breaker: { failureThreshold: 5, cooldownMs: 60_000 },
      clock,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      logger: silent,
      ...overrides,
    });
  }

  it('asks OpenAI first for complex work, with a strict JSON schema limited to the catalogue', async () => {
    const result = await router().decide(errorBurst);

    expect(result.provider).toBe('openai');
    expect(result.model).toBe('gpt-4.1');
    expect(result.decision).toEqual(modelDecision);
    expect(result.fallbackReason).toBeUndefined();
    expect(anthropic.requests).toHaveLength(0);

    const [call] = openai.requests;
    expect(call.path).toBe('/v1/chat/completions');
    expect(call.headers.authorization).toBe('Bearer sk-openai-test');
    expect(call.body.response_format.type).toBe('json_schema');
    expect(call.body.response_format.json_schema.strict).toBe(true);
    expect(call.body.response_format.json_schema.schema.properties.action.enum).toEqual([
      'block_client',
      'tighten_rate_limits',
      'raise_log_level',
      'recompute_vehicle_health',
      'open_incident',
      'no_op',
    ]);
    expect(call.body.messages[1].content).toContain('"client_errors_per_minute": 57');

    // 1000 prompt tokens at $2/M + 500 completion tokens at $8/M.
    expect(result.costUsd).toBeCloseTo(0.006, 10);
    expect(result.attempts).toEqual([
      { provider: 'openai', model: 'gpt-4.1', outcome: 'success', retry: 0, latencyMs: 0, costUsd: result.costUsd },
    ]);
  });

  it('security decisions try Anthropic first, through a forced tool call', async () => {
    const result = await router().decide(loginBurst);

    expect(result.provider).toBe('anthropic');
    expect(result.model).toBe('claude-sonnet-4-6');
    expect(call0(anthropic).body.model).toBe('claude-sonnet-4-6');
    expect(result.decision).toEqual(securityDecision);
    expect(openai.requests).toHaveLength(0);

    const [call] = anthropic.requests;
    expect(call.path).toBe('/v1/messages');
    // This SDK version sends the key as a bearer token; older ones used x-api-key.
    expect(call.headers['x-api-key'] ?? call.headers.authorization?.replace(/^Bearer /, '')).toBe('sk-ant-test');
    expect(call.body.tool_choice).toMatchObject({ type: 'tool', name: 'agent_decision' });
    expect(call.body.tools[0].name).toBe('agent_decision');
    expect(call.body.tools[0].input_schema.properties.action.enum).toEqual([
      'block_client',
      'tighten_rate_limits',
      'raise_log_level',
      'open_incident',
      'no_op',
    ]);
    // $3/M in, $15/M out.
    expect(result.costUsd).toBeCloseTo(0.0105, 10);
  });

  it('primary answers 500 → retried with back-off, then the fallback is used', async () => {
    openai.setHandler(() => openAiError(500, 'upstream exploded'));
    anthropic.setHandler(() => anthropicToolUse(modelDecision));

    const result = await router().decide(errorBurst);

    expect(result.provider).toBe('anthropic');
    expect(result.decision).toEqual(modelDecision);
    expect(openai.requests).toHaveLength(3);
    expect(anthropic.requests).toHaveLength(1);
    expect(sleeps).toEqual([1, 2]);
    expect(result.attempts.map((a) => [a.provider, a.outcome, a.status, a.retry])).toEqual([
      ['openai', 'error', 500, 0],
      ['openai', 'error', 500, 1],
      ['openai', 'error', 500, 2],
      ['anthropic', 'success', undefined, 0],
    ]);
    expect(result.attempts[0].error).toContain('upstream exploded');
  });

  it('recovers on a retry after a 429, honouring Retry-After up to the cap', async () => {
    openai.enqueue(openAiError(429, 'slow down', { 'retry-after': '1' }));

    const result = await router().decide(errorBurst);

    expect(result.provider).toBe('openai');
    expect(openai.requests).toHaveLength(2);
    expect(sleeps).toEqual([4]);
    expect(result.attempts.map((a) => [a.outcome, a.status, a.retry])).toEqual([
      ['error', 429, 0],
      ['success', undefined, 1],
    ]);
  });

  it('a 401 → no retry, straight to the next provider, which decides', async () => {
    openai.setHandler(() => openAiError(401, 'Incorrect API key provided: sk-openai-test'));
    anthropic.setHandler(() => anthropicToolUse(modelDecision));

    const result = await router().decide(errorBurst);

    expect(result.provider).toBe('anthropic');
    expect(result.fallbackReason).toBeUndefined();
    expect(openai.requests).toHaveLength(1);
    expect(anthropic.requests).toHaveLength(1);
    expect(result.attempts.map((a) => [a.provider, a.outcome, a.status])).toEqual([
      ['openai', 'error', 401],
      ['anthropic', 'success', undefined],
    ]);
    expect(result.attempts[0].error).toContain('Incorrect API key provided');
    expect(result.attempts[0].error).not.toContain('sk-openai-test');
    expect(result.decision).toMatchObject({ action: 'raise_log_level', reasoning: modelDecision.reasoning });
  });

  it('a 403 from every provider → the policy decides, each asked once', async () => {
    openai.setHandler(() => openAiError(403, 'Project does not have access'));
    anthropic.setHandler(() => anthropicError(403, 'permission_error'));

    const result = await router().decide(errorBurst);

    expect(result).toMatchObject({ provider: 'policy', fallbackReason: 'all_providers_failed' });
    expect([openai.requests.length, anthropic.requests.length]).toEqual([1, 1]);
    expect(result.decision.reasoning).toMatch(/^Policy:/);
  });

  it('a 400 → no failover either', async () => {
    anthropic.setHandler(() => anthropicError(400, 'tools.0.input_schema: invalid'));

    const result = await router().decide(loginBurst);

    expect(result).toMatchObject({ provider: 'policy', fallbackReason: 'fatal_error' });
    expect(result.attempts).toEqual([
      expect.objectContaining({ provider: 'anthropic', status: 400, outcome: 'error' }),
    ]);
    expect(openai.requests).toHaveLength(0);
  });

  it('a provider that cannot be reached is failed over at once, without retries', async () => {
    const closed = await startFakeAiServer(() => openAiCompletion(modelDecision));
    const deadURL = closed.openAiBaseURL;
    await closed.close();

    const r = router(
      {},
      {
        openai: { apiKey: 'sk-openai-test', baseURL: deadURL },
        anthropic: { apiKey: 'sk-ant-test', baseURL: anthropic.anthropicBaseURL },
      },
    );
    anthropic.setHandler(() => anthropicToolUse(modelDecision));
    const result = await r.decide(errorBurst);

    expect(result.provider).toBe('anthropic');
    expect(result.attempts[0]).toMatchObject({ provider: 'openai', outcome: 'error', status: undefined, retry: 0 });
    expect(result.attempts).toHaveLength(2);
    expect(sleeps).toEqual([]);
  });

  it('the circuit opens after N failures, stays open without calling, and closes after its cooldown', async () => {
    const r = router(
      { retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 }, breaker: { failureThreshold: 3, cooldownMs: 30_000 } },
      {
        openai: { apiKey: 'sk-openai-test', baseURL: openai.openAiBaseURL },
      },
    );
    openai.setHandler(() => openAiError(503, 'unavailable'));

    for (let i = 0; i < 3; i++) await r.decide(errorBurst);
    expect(openai.requests).toHaveLength(3);
    expect(r.status().find((s) => s.provider === 'openai')?.circuit).toMatchObject({
      state: 'open',
      consecutiveFailures: 3,
      timesOpened: 1,
    });

    const whileOpen = await r.decide(errorBurst);
    expect(openai.requests).toHaveLength(3);
    expect(whileOpen.provider).toBe('policy');
    expect(whileOpen.fallbackReason).toBe('all_providers_failed');
    expect(whileOpen.attempts).toEqual([expect.objectContaining({ outcome: 'skipped', skipReason: 'circuit_open' })]);

    clock.advance(29_999);
    await r.decide(errorBurst);
    expect(openai.requests).toHaveLength(3);

    clock.advance(1);
    openai.setHandler(() => openAiCompletion(modelDecision));
    const probe = await r.decide(errorBurst);
    expect(probe.provider).toBe('openai');
    expect(openai.requests).toHaveLength(4);
    expect(r.status().find((s) => s.provider === 'openai')?.circuit).toMatchObject({
      state: 'closed',
      consecutiveFailures: 0,
    });
  });

  it('a failed half-open probe re-opens the circuit for another cooldown', async () => {
    const r = router(
      { retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 }, breaker: { failureThreshold: 2, cooldownMs: 10_000 } },
      {
        openai: { apiKey: 'sk-openai-test', baseURL: openai.openAiBaseURL },
      },
    );
    openai.setHandler(() => openAiError(502, 'bad gateway'));
    await r.decide(errorBurst);
    await r.decide(errorBurst);
    clock.advance(10_000);
    await r.decide(errorBurst);
    expect(openai.requests).toHaveLength(3);
    expect(r.status()[0].circuit).toMatchObject({ state: 'open', timesOpened: 2 });
    await r.decide(errorBurst);
    expect(openai.requests).toHaveLength(3);
  });

  it('budget exhausted → no call and no failover: the policy decides', async () => {
    const r = router(
      {},
      {
        openai: { apiKey: 'sk-openai-test', baseURL: openai.openAiBaseURL, dailyBudgetUsd: 0.0001 },
        anthropic: { apiKey: 'sk-ant-test', baseURL: anthropic.anthropicBaseURL },
      },
    );

    const result = await r.decide(errorBurst);

    expect(result).toMatchObject({
      provider: 'policy',
      model: 'policy',
      fallbackReason: 'budget_exhausted',
      costUsd: 0,
    });
    expect(result.attempts).toEqual([
      expect.objectContaining({ provider: 'openai', outcome: 'skipped', skipReason: 'budget_exhausted' }),
    ]);
    expect(openai.requests).toHaveLength(0);
    expect(anthropic.requests).toHaveLength(0);
  });

  it('spend accumulates until the budget is exhausted, and a new UTC day starts afresh', async () => {
    // Each answer costs $0.006; the worst-case estimate is about $0.01, so one call fits in $0.012.
    const r = router(
      {},
      { openai: { apiKey: 'sk-openai-test', baseURL: openai.openAiBaseURL, dailyBudgetUsd: 0.012 } },
    );

    expect((await r.decide(errorBurst)).provider).toBe('openai');
    expect(r.status()[0].budget?.spentTodayUsd).toBeCloseTo(0.006, 10);
    expect((await r.decide(errorBurst)).fallbackReason).toBe('budget_exhausted');
    expect(openai.requests).toHaveLength(1);

    clock.set(Date.parse('2025-06-02T00:00:00Z'));
    expect((await r.decide(errorBurst)).provider).toBe('openai');
    expect(r.status()[0].budget).toMatchObject({ day: '2025-06-02' });
  });

  it('can be configured to move to the next provider when a budget is exhausted', async () => {
    const r = router(
      { failoverOnBudgetExhausted: true },
      {
        openai: { apiKey: 'sk-openai-test', baseURL: openai.openAiBaseURL, dailyBudgetUsd: 0 },
        anthropic: { apiKey: 'sk-ant-test', baseURL: anthropic.anthropicBaseURL },
      },
    );
    anthropic.setHandler(() => anthropicToolUse(modelDecision));
    const result = await r.decide(errorBurst);
    expect(result.provider).toBe('anthropic');
    expect(openai.requests).toHaveLength(0);
  });

  it('output naming an action outside the catalogue is rejected, the next provider asked, then the policy used', async () => {
    openai.setHandler(() => openAiCompletion({ ...modelDecision, action: 'restart_kubernetes', parameters: {} }));
    anthropic.setHandler(() => anthropicText('Restart everything.'));

    const result = await router().decide(errorBurst);

    expect(result.provider).toBe('policy');
    expect(result.fallbackReason).toBe('invalid_output');
    expect(anthropic.requests).toHaveLength(1);
    expect(result.attempts).toEqual([
      expect.objectContaining({
        provider: 'openai',
        outcome: 'invalid_output',
        error: 'action: "restart_kubernetes" is not in the catalogue',
      }),
      expect.objectContaining({ provider: 'anthropic', outcome: 'invalid_output' }),
    ]);
    // The rejected answers still cost tokens, and that is counted.
    expect(result.attempts[0].costUsd).toBeCloseTo(0.006, 10);
    expect(result.costUsd).toBeCloseTo(0.006 + result.attempts[1].costUsd, 10);
    expect(result.attempts[1].costUsd).toBeGreaterThan(0);
    expect(result.decision.action).toBe('raise_log_level');
  });

  it.each([
    ['not JSON', openAiCompletion('I would raise the log level.'), /not JSON/],
    [
      'an unbounded target set',
      openAiCompletion({ ...modelDecision, action: 'recompute_vehicle_health', parameters: { vehicleIds: [] } }),
      /empty target set/,
    ],
    [
      'parameters of another action',
      openAiCompletion({ ...modelDecision, parameters: { vehicleIds: ['v1'] } }),
      /parameters\./,
    ],
    [
      'an action that is not eligible for the trigger',
      openAiCompletion({
        ...modelDecision,
        action: 'notify_critical_owners',
        parameters: { vehicleIds: ['v1'], message: 'hello' },
      }),
      /not eligible/,
    ],
  ])('output that is %s is rejected and the next provider asked', async (_name, reply, message) => {
    openai.setHandler(() => reply);
    anthropic.setHandler(() => anthropicToolUse(modelDecision));
    const result = await router().decide(errorBurst);
    expect(result.provider).toBe('anthropic');
    expect(result.attempts.map((a) => a.outcome)).toEqual(['invalid_output', 'success']);
    expect(result.attempts[0].error).toMatch(message);
  });

  it('an Anthropic answer without the decision tool call is rejected, and OpenAI asked next', async () => {
    anthropic.setHandler(() => anthropicText('Tighten the login limit.'));
    openai.setHandler(() => openAiCompletion(securityDecision));
    const result = await router().decide(loginBurst);
    expect(result).toMatchObject({ provider: 'openai', decision: { action: 'tighten_rate_limits' } });
    expect(result.attempts[0]).toMatchObject({ provider: 'anthropic', outcome: 'invalid_output' });
    expect(result.attempts[0].error).toMatch(/no decision tool call/);
  });

  it('Anthropic overloaded (529) is retried, then fails over to OpenAI', async () => {
    anthropic.setHandler(() => anthropicError(529, 'Overloaded'));
    openai.setHandler(() => openAiCompletion(securityDecision));
    const result = await router({ retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 1 } }).decide(loginBurst);
    expect(result.provider).toBe('openai');
    expect(anthropic.requests).toHaveLength(2);
  });

  it('routine work goes to DeepSeek first through the openai SDK, in JSON mode', async () => {
    const r = router(
      {},
      {
        openai: { apiKey: 'sk-openai-test', baseURL: openai.openAiBaseURL },
        deepseek: { apiKey: 'sk-deepseek-test', baseURL: compat.openAiBaseURL },
      },
    );
    const result = await r.decide({ ...errorBurst, taskClass: 'routine' });

    expect(result).toMatchObject({ provider: 'deepseek', model: 'deepseek-chat' });
    expect(openai.requests).toHaveLength(0);
    const [call] = compat.requests;
    expect(call.headers.authorization).toBe('Bearer sk-deepseek-test');
    expect(call.body.response_format).toEqual({ type: 'json_object' });
    expect(call.body.max_tokens).toBe(800);
    // $0.28/M in, $0.42/M out.
    expect(result.costUsd).toBeCloseTo(0.00049, 10);
  });

  it('creative work goes to Gemini and experimental work to Grok, each on its configured endpoint', async () => {
    const r = router(
      {},
      {
        gemini: { apiKey: 'gem-key', baseURL: compat.openAiBaseURL },
        grok: { apiKey: 'grok-key', baseURL: openai.openAiBaseURL, model: 'grok-3' },
      },
    );
    expect((await r.decide({ ...errorBurst, taskClass: 'creative' })).provider).toBe('gemini');
    expect(compat.requests[0].body.model).toBe('gemini-2.5-flash');
    expect(compat.requests[0].body.response_format.type).toBe('json_schema');
    expect((await r.decide({ ...errorBurst, taskClass: 'experimental' })).provider).toBe('grok');
    expect(openai.requests[0].headers.authorization).toBe('Bearer grok-key');
    expect(openai.requests[0].body.model).toBe('grok-3');
  });

  it('the fallback order is configurable', async () => {
    const r = router({ routes: { security: ['openai', 'anthropic'] } });
    openai.setHandler(() => openAiCompletion(securityDecision));
    expect(r.routeFor('security')).toEqual(['openai', 'anthropic']);
    expect((await r.decide(loginBurst)).provider).toBe('openai');
    expect(anthropic.requests).toHaveLength(0);
  });

  it('does not pay a model when only no_op is eligible', async () => {
    for (const eligibleActions of [[], ['no_op' as const]]) {
      const result = await router().decide({ ...errorBurst, eligibleActions });
      expect(result).toMatchObject({ provider: 'policy', fallbackReason: 'nothing_to_decide', attempts: [] });
      expect(result.decision.action).toBe('no_op');
    }
    expect(openai.requests).toHaveLength(0);
  });

  it('narrows the schema to the eligible actions it is given', async () => {
    await router().decide({ ...errorBurst, eligibleActions: ['raise_log_level', 'no_op', 'raise_log_level'] });
    expect(openai.requests[0].body.response_format.json_schema.schema.properties.action.enum).toEqual([
      'raise_log_level',
      'no_op',
    ]);
  });

  it('tracks calls, latency and cost per provider', async () => {
    openai.setHandler(() => {
      clock.advance(120);
      return openAiCompletion(modelDecision);
    });
    const r = router();
    await r.decide(errorBurst);
    openai.setHandler(() => {
      clock.advance(80);
      return openAiError(500, 'boom');
    });
    anthropic.setHandler(() => {
      clock.advance(200);
      return anthropicToolUse(modelDecision);
    });
    const result = await r.decide(errorBurst);
    expect(result.latencyMs).toBe(440);

    const [o, a] = r.status();
    expect(o).toMatchObject({ provider: 'openai', available: true, calls: 4, successes: 1, failures: 3, retries: 2 });
    expect(o.latencyMs).toEqual({ last: 80, average: 90, p95: 120 });
    expect(o.totalCostUsd).toBeCloseTo(0.006, 10);
    expect(a).toMatchObject({
      provider: 'anthropic',
      calls: 1,
      successes: 1,
      latencyMs: { last: 200, average: 200, p95: 200 },
    });
    expect(r.status().find((s) => s.provider === 'grok')).toMatchObject({
      available: false,
      calls: 0,
      circuit: null,
      budget: null,
    });
  });
});

describe('ProviderRouter without keys', () => {
  it('uses the policy and never touches the network', async () => {
    const server = await startFakeAiServer(() => openAiCompletion(modelDecision));
    const realFetch = globalThis.fetch;
    const fetchSpy = jest.fn(() => Promise.reject(new Error('no network expected')));
    globalThis.fetch = fetchSpy as unknown as typeof fetch;
    try {
      const r = new ProviderRouter({
        // Base URLs and blank keys alone do not make a provider available.
        providers: {
          openai: { baseURL: server.openAiBaseURL },
          anthropic: { apiKey: '  ', baseURL: server.anthropicBaseURL },
        },
        logger: silent,
      });
      expect(r.availableProviders()).toEqual([]);
      for (const request of [errorBurst, loginBurst]) {
        const result = await r.decide(request);
        expect(result).toMatchObject({
          provider: 'policy',
          model: 'policy',
          costUsd: 0,
          attempts: [],
          fallbackReason: 'no_provider_available',
        });
      }
      expect(fetchSpy).not.toHaveBeenCalled();
      expect(server.requests).toHaveLength(0);
    } finally {
      globalThis.fetch = realFetch;
      await server.close();
    }
  });
});
