import { TRIGGER_CATEGORIES } from '../triggers/categories.js';
import {
  ACTION_CATALOGUE,
  ACTION_IDS,
  actionsForCategory,
  getAction,
  isActionId,
  jsonSchemaForDecision,
  parseDecision,
  validateActionParameters,
} from './catalogue.js';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `veh${i}`);

describe('action catalogue', () => {
  it('holds the expected actions with a risk level, reversibility and categories', () => {
    expect(ACTION_IDS).toEqual([
      'block_client',
      'tighten_rate_limits',
      'relax_rate_limits',
      'raise_log_level',
      'recompute_vehicle_health',
      'notify_critical_owners',
      'open_incident',
      'check_database_indexes',
      'no_op',
    ]);
    for (const id of ACTION_IDS) {
      const action = ACTION_CATALOGUE[id];
      expect(action.id).toBe(id);
      expect(['LOW', 'MEDIUM', 'HIGH']).toContain(action.risk);
      expect(typeof action.reversible).toBe('boolean');
      expect(action.categories.length).toBeGreaterThan(0);
      for (const c of action.categories) expect(TRIGGER_CATEGORIES).toContain(c);
    }
    expect(getAction('notify_critical_owners')).toMatchObject({ risk: 'HIGH', reversible: false });
    expect(getAction('tighten_rate_limits')).toMatchObject({ risk: 'MEDIUM', reversible: true });
  });

  it('offers at least one real action and no_op for every category', () => {
    for (const category of TRIGGER_CATEGORIES) {
      const actions = actionsForCategory(category);
      expect(actions).toContain('no_op');
      expect(actions.length).toBeGreaterThan(1);
    }
    expect(actionsForCategory('security')).toEqual([
      'block_client',
      'tighten_rate_limits',
      'raise_log_level',
      'open_incident',
      'no_op',
    ]);
  });

  it('knows its own ids and nothing else', () => {
    expect(isActionId('block_client')).toBe(true);
    // It had no effect anywhere, so it is gone.
    expect(isActionId('resize_cache')).toBe(false);
    expect(isActionId('restart_database')).toBe(false);
    expect(isActionId('constructor')).toBe(false);
  });
});

describe('parameter validation', () => {
  it('accepts a bounded, non-empty vehicle target set', () => {
    expect(validateActionParameters('recompute_vehicle_health', { vehicleIds: ['a1', 'b2'] })).toEqual({
      ok: true,
      value: { vehicleIds: ['a1', 'b2'] },
    });
    expect(validateActionParameters('recompute_vehicle_health', { vehicleIds: ids(500) }).ok).toBe(true);
  });

  it.each([
    ['an empty target set', { vehicleIds: [] }, /empty target set/],
    ['more than 500 targets', { vehicleIds: ids(501) }, /at most 500/],
    ['a missing target set', {}, /vehicleIds/],
    ['duplicate targets', { vehicleIds: ['a', 'a'] }, /unique/],
    ['a wildcard target', { vehicleIds: ['*'] }, /an id of/],
    ['an extra key', { vehicleIds: ['a'], all: true }, /all/],
  ])('refuses %s', (_name, params, message) => {
    const result = validateActionParameters('recompute_vehicle_health', params);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.join('\n')).toMatch(message);
  });

  it('bounds rate limit changes and durations', () => {
    expect(
      validateActionParameters('tighten_rate_limits', { scopes: ['login'], factor: 0.5, durationMinutes: 30 }).ok,
    ).toBe(true);
    expect(
      validateActionParameters('tighten_rate_limits', { scopes: ['login'], factor: 0.01, durationMinutes: 30 }).ok,
    ).toBe(false);
    expect(validateActionParameters('tighten_rate_limits', { scopes: [], factor: 0.5, durationMinutes: 30 }).ok).toBe(
      false,
    );
    expect(
      validateActionParameters('raise_log_level', { services: ['gateway'], level: 'debug', durationMinutes: 1000 }).ok,
    ).toBe(false);
    expect(
      validateActionParameters('raise_log_level', { services: ['mainframe'], level: 'debug', durationMinutes: 10 }).ok,
    ).toBe(false);
  });

  it('blocks exactly one client: one IP (an IPv6 /64 at most) or one caller id, never a range', () => {
    const block = (kind: string, id: string) =>
      validateActionParameters('block_client', { client: { kind, id }, durationMinutes: 15 }).ok;
    expect(block('ip', '203.0.113.7')).toBe(true);
    expect(block('ip', '2001:db8:0:1::/64')).toBe(true);
    expect(block('user', '6571f0c2a1b2c3d4e5f60718')).toBe(true);
    expect(block('apiKey', 'key_1')).toBe(true);
    for (const range of ['10.0.0.0/8', '0.0.0.0/0', '2001:db8::/32', 'unknown', '*', ''])
      expect(block('ip', range)).toBe(false);
    expect(block('user', '{"$ne":null}')).toBe(false);
    expect(block('everyone', 'x')).toBe(false);
    expect(
      validateActionParameters('block_client', { client: { kind: 'ip', id: '203.0.113.7' }, durationMinutes: 241 }).ok,
    ).toBe(false);
  });

  it('refuses actions outside the catalogue', () => {
    expect(validateActionParameters('drop_database', {})).toEqual({
      ok: false,
      errors: ['action: "drop_database" is not in the catalogue'],
    });
  });
});

describe('parseDecision', () => {
  const valid = {
    action: 'tighten_rate_limits',
    parameters: { scopes: ['client_errors'], factor: 0.5, durationMinutes: 15 },
    reasoning: '50 client errors in a minute from one origin',
    confidence: 0.7,
  };

  it('accepts a valid decision and types it', () => {
    const result = parseDecision(valid);
    expect(result).toEqual({ ok: true, value: valid });
  });

  it('rejects an action outside the catalogue', () => {
    const result = parseDecision({ ...valid, action: 'reboot_everything', parameters: {} });
    expect(result).toEqual({ ok: false, errors: ['action: "reboot_everything" is not in the catalogue'] });
  });

  it('rejects a catalogue action that is not eligible here', () => {
    const result = parseDecision(valid, ['no_op', 'open_incident']);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]).toMatch(/not eligible/);
  });

  it('rejects parameters that belong to another action', () => {
    const result = parseDecision({ ...valid, parameters: { vehicleIds: ['a'] } });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.join('\n')).toMatch(/^parameters\./m);
  });

  it.each([
    ['a missing reasoning', { ...valid, reasoning: undefined }],
    ['a blank reasoning', { ...valid, reasoning: '   ' }],
    ['a confidence above 1', { ...valid, confidence: 1.5 }],
    ['an extra top-level key', { ...valid, execute: true }],
    ['a string', 'tighten_rate_limits'],
    ['null', null],
  ])('rejects %s', (_name, input) => {
    expect(parseDecision(input).ok).toBe(false);
  });
});

describe('jsonSchemaForDecision', () => {
  it('restricts the action to an enum of the catalogue and requires every field', () => {
    const schema = jsonSchemaForDecision() as any;
    expect(schema.type).toBe('object');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(['action', 'parameters', 'reasoning', 'confidence']);
    expect(schema.properties.action.enum).toEqual(ACTION_IDS);
    expect(schema.properties.parameters.anyOf).toHaveLength(ACTION_IDS.length);
    expect(schema.properties.confidence).toMatchObject({ minimum: 0, maximum: 1 });
  });

  it('narrows to the eligible actions', () => {
    const schema = jsonSchemaForDecision(['open_incident', 'no_op']) as any;
    expect(schema.properties.action.enum).toEqual(['open_incident', 'no_op']);
    expect(schema.properties.parameters.anyOf).toHaveLength(2);
  });

  it('carries the target bounds and closes every object, as strict structured output requires', () => {
    const schema = jsonSchemaForDecision(['recompute_vehicle_health']) as any;
    const params = schema.properties.parameters.anyOf[0];
    expect(params.properties.vehicleIds).toMatchObject({ type: 'array', minItems: 1, maxItems: 500 });
    const objects: any[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (!node || typeof node !== 'object') return;
      const n = node as Record<string, unknown>;
      if (n.type === 'object') objects.push(n);
      Object.values(n).forEach(walk);
    };
    walk(jsonSchemaForDecision());
    expect(objects.length).toBeGreaterThan(ACTION_IDS.length);
    for (const o of objects) {
      expect(o.additionalProperties).toBe(false);
      expect([...o.required].sort()).toEqual(Object.keys(o.properties).sort());
    }
    expect(JSON.stringify(jsonSchemaForDecision())).not.toContain('$schema');
  });

  it('refuses an empty or unknown action list', () => {
    expect(() => jsonSchemaForDecision([])).toThrow(RangeError);
    expect(() => jsonSchemaForDecision(['nope' as never])).toThrow(/not in the catalogue/);
  });
});
