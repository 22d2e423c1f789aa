import { parseDecision } from '../actions/catalogue.js';
import { TRIGGER_KINDS, type TriggerKind } from '../triggers/categories.js';
import { defaultTaskClass, providerSettingsFromKeys } from './config.js';
import { policyDecide } from './policy.js';
import { buildPrompt } from './prompt.js';

const request = (triggerKind: TriggerKind, extra: object = {}) => ({
  taskClass: 'routine' as const,
  triggerKind,
  metrics: { value: 1 },
  ...extra,
});

describe('deterministic policy', () => {
  it('gives a valid decision with reasoning for every trigger kind', () => {
    for (const kind of Object.keys(TRIGGER_KINDS) as TriggerKind[]) {
      const decision = policyDecide(request(kind));
      expect(parseDecision(decision).ok).toBe(true);
      expect(decision.reasoning).toMatch(/^Policy: /);
      expect(decision.reasoning).toContain('value=1');
    }
  });

  it.each([
    ['failed_login_burst', 'tighten_rate_limits', { scopes: ['login'], factor: 0.5, durationMinutes: 30 }],
    ['client_error_burst', 'open_incident', undefined],
    ['forbidden_burst', 'open_incident', undefined],
    ['p95_latency', 'check_database_indexes', undefined],
    ['evening_routine', 'no_op', {}],
  ] as const)('maps %s to %s', (kind, action, parameters) => {
    const decision = policyDecide(request(kind));
    expect(decision.action).toBe(action);
    if (parameters) expect(decision.parameters).toEqual(parameters);
  });

  it('raises the log level only on signed-in traffic or server errors, never on anonymous traffic alone', () => {
    const debug = { services: ['gateway'], level: 'debug', durationMinutes: 30 };
    const anonymousBurst = { client_errors_per_minute: 500, signed_in_client_errors_per_minute: 3 };
    expect(policyDecide(request('client_error_burst', { metrics: anonymousBurst })).action).toBe('open_incident');
    const signedIn = { client_errors_per_minute: 40, signed_in_client_errors_per_minute: 25 };
    expect(policyDecide(request('client_error_burst', { metrics: signedIn }))).toMatchObject({
      action: 'raise_log_level',
      parameters: debug,
    });
    const failing = { ...anonymousBurst, error_burn: 2.5 };
    expect(policyDecide(request('client_error_burst', { metrics: failing })).action).toBe('raise_log_level');
    // Only raise_log_level eligible: without the signal the policy takes no action rather than guess.
    const onlyDebug = { eligibleActions: ['raise_log_level' as const, 'no_op' as const] };
    expect(
      policyDecide(request('forbidden_burst', { metrics: { forbidden_per_minute: 900 }, ...onlyDebug })).action,
    ).toBe('no_op');
  });

  it('is deterministic', () => {
    expect(policyDecide(request('error_rate'))).toEqual(policyDecide(request('error_rate')));
  });

  it('never invents targets: without vehicles it does not notify owners', () => {
    expect(policyDecide(request('critical_alerts')).action).toBe('open_incident');
    const withTargets = policyDecide(request('critical_alerts', { targets: { vehicleIds: ['v1', 'v2', 'v1'] } }));
    expect(withTargets).toMatchObject({ action: 'notify_critical_owners', parameters: { vehicleIds: ['v1', 'v2'] } });
  });

  it('aims at the services it was given', () => {
    expect(policyDecide(request('error_rate', { targets: { services: ['identity'] } })).parameters).toEqual({
      services: ['identity'],
      level: 'debug',
      durationMinutes: 30,
    });
  });

  it('respects the eligible set and falls back to no_op', () => {
    expect(policyDecide(request('failed_login_burst', { eligibleActions: ['open_incident', 'no_op'] })).action).toBe(
      'open_incident',
    );
    expect(policyDecide(request('failed_login_burst', { eligibleActions: ['no_op'] })).action).toBe('no_op');
    expect(policyDecide(request('failed_login_burst', { eligibleActions: ['resize_cache'] })).action).toBe('no_op');
  });
});

describe('prompt', () => {
  it('lists only the eligible actions with their risk, and carries the observations as JSON data', () => {
    const prompt = buildPrompt(
      {
        taskClass: 'security',
        triggerKind: 'failed_login_burst',
        metrics: { failed: 240 },
        context: { member: 'Security Expert' },
      },
      ['tighten_rate_limits', 'no_op'],
    );
    expect(prompt.system).toContain('- tighten_rate_limits (risk MEDIUM, reversible)');
    expect(prompt.system).not.toContain('notify_critical_owners');
    const data = JSON.parse(prompt.user.replace(/^Data \(JSON\):\n/, ''));
    expect(data).toEqual({
      trigger: { kind: 'failed_login_burst', category: 'security', description: 'a burst of failed logins' },
      metrics: { failed: 240 },
      targets: {},
      context: { member: 'Security Expert' },
    });
  });
});

describe('provider config helpers', () => {
  it('maps the brief key names to providers and ignores blank keys', () => {
    expect(providerSettingsFromKeys({ OPENAI_API_KEY: 'a', GROK_API_KEY: ' ', ANTHROPIC_API_KEY: 'b' })).toEqual({
      openai: { apiKey: 'a' },
      anthropic: { apiKey: 'b' },
    });
    expect(providerSettingsFromKeys({})).toEqual({});
  });

  it('routes security triggers to the security class', () => {
    expect(defaultTaskClass('security')).toBe('security');
    expect(defaultTaskClass('time')).toBe('routine');
    expect(defaultTaskClass('performance')).toBe('complex');
  });
});
