import { assessRisk } from './blast-radius.js';
import { budgetRefusal, guardrailVerdict, type ActionBudget, type GuardrailInput } from './guardrails.js';

const budget: ActionBudget = { perHour: 5, perRisk: { LOW: 5, MEDIUM: 2, HIGH: 1 }, perCategory: 3 };
const base: GuardrailInput = {
  mode: 'ON',
  action: 'open_incident',
  risk: 'LOW',
  category: 'errors',
  limitsExceeded: [],
  approvalActions: [],
  budget,
  used: { total: 0, risk: 0, category: 0 },
};
/** The verdict on an action as its parameters assess it. */
const verdictFor = (action: GuardrailInput['action'], parameters: Record<string, unknown>) => {
  const { risk, limitsExceeded } = assessRisk(action, parameters);
  return guardrailVerdict({ ...base, action, risk, limitsExceeded, category: 'security' });
};

describe('risk from the blast radius', () => {
  it('a 0.1× throttle of every scope for 240 minutes is HIGH risk, past every limit, and needs approval', () => {
    const storm = { scopes: ['api', 'login', 'client_errors', 'ingest'], factor: 0.1, durationMinutes: 240 };
    expect(assessRisk('tighten_rate_limits', storm)).toEqual({
      risk: 'HIGH',
      reach: 'everyone',
      blastRadius: 'every caller of api, login, client_errors, ingest: limits ×0.1 for 240 min',
      limitsExceeded: ['4 scopes at once (at most 1)', 'factor ×0.1 (at least ×0.5)', '240 min (at most 30)'],
    });
    expect(verdictFor('tighten_rate_limits', storm)).toMatchObject({
      next: 'APPROVAL_REQUIRED',
      reason: expect.stringMatching(/^past its limits \(4 scopes at once/),
    });
    // Any one limit is enough.
    expect(verdictFor('tighten_rate_limits', { scopes: ['login'], factor: 0.1, durationMinutes: 10 }).next).toBe(
      'APPROVAL_REQUIRED',
    );
    expect(verdictFor('tighten_rate_limits', { scopes: ['login'], factor: 0.5, durationMinutes: 31 }).next).toBe(
      'APPROVAL_REQUIRED',
    );
  });

  it('a targeted block of one IP for a short while is LOW risk and runs without approval', () => {
    const block = { client: { kind: 'ip', id: '203.0.113.7' }, durationMinutes: 15 };
    expect(assessRisk('block_client', block)).toMatchObject({
      risk: 'LOW',
      reach: 'one_client',
      limitsExceeded: [],
      blastRadius: 'one ip (203.0.113.7) for 15 min',
    });
    expect(verdictFor('block_client', block)).toEqual({ next: 'execute', reason: null, heldBy: null });
    // Even one client, for hours, is an admin's call.
    expect(verdictFor('block_client', { ...block, durationMinutes: 240 }).next).toBe('APPROVAL_REQUIRED');
  });

  it('within its limits an action keeps its catalogue risk', () => {
    expect(assessRisk('tighten_rate_limits', { scopes: ['login'], factor: 0.5, durationMinutes: 30 }).risk).toBe(
      'MEDIUM',
    );
    expect(assessRisk('relax_rate_limits', { scopes: ['api'], factor: 3, durationMinutes: 10 }).limitsExceeded).toEqual(
      ['factor ×3 (at most ×2)'],
    );
    expect(assessRisk('raise_log_level', { services: ['gateway'], level: 'trace', durationMinutes: 5 }).risk).toBe(
      'HIGH',
    );
    const vehicles = (n: number) => ({ vehicleIds: Array.from({ length: n }, (_, i) => `v${i}`) });
    expect(assessRisk('recompute_vehicle_health', vehicles(100)).risk).toBe('LOW');
    expect(assessRisk('recompute_vehicle_health', vehicles(101))).toMatchObject({
      risk: 'HIGH',
      limitsExceeded: ['101 vehicles (at most 100)'],
    });
    expect(assessRisk('notify_critical_owners', { ...vehicles(1), message: 'hi' }).risk).toBe('HIGH');
    expect(assessRisk('open_incident', { title: 'x', severity: 'LOW', summary: 'y' })).toMatchObject({
      risk: 'LOW',
      reach: 'nobody',
    });
  });
});

describe('guardrails', () => {
  it('ON executes a low-risk action within the budgets', () => {
    expect(guardrailVerdict(base)).toEqual({ next: 'execute', reason: null, heldBy: null });
  });

  it('DRY_RUN only proposes, held for later, and says when it will need an admin', () => {
    expect(guardrailVerdict({ ...base, mode: 'DRY_RUN' })).toMatchObject({
      next: 'PROPOSED',
      heldBy: 'DRY_RUN',
      reason: 'DRY_RUN: proposed only, nothing executed',
    });
    expect(guardrailVerdict({ ...base, mode: 'DRY_RUN', risk: 'HIGH' }).reason).toMatch(/will need an admin/);
  });

  it('HIGH risk, or an action listed for approval, waits for an admin', () => {
    expect(guardrailVerdict({ ...base, action: 'notify_critical_owners', risk: 'HIGH' }).next).toBe(
      'APPROVAL_REQUIRED',
    );
    expect(guardrailVerdict({ ...base, approvalActions: ['open_incident'] }).next).toBe('APPROVAL_REQUIRED');
  });

  it('over any budget a decision is held back (PROPOSED, BUDGET), but doing nothing is always allowed', () => {
    expect(guardrailVerdict({ ...base, used: { total: 5, risk: 0, category: 0 } })).toMatchObject({
      next: 'PROPOSED',
      heldBy: 'BUDGET',
      reason: 'budget: already 5 actions in the last hour (at most 5)',
    });
    expect(guardrailVerdict({ ...base, action: 'no_op', used: { total: 5, risk: 5, category: 5 } }).next).toBe(
      'execute',
    );
  });

  it('budgets count per risk level and per category', () => {
    expect(budgetRefusal(budget, { total: 2, risk: 2, category: 0 }, 'MEDIUM', 'errors')).toBe(
      'budget: already 2 MEDIUM-risk actions in the last hour (at most 2)',
    );
    expect(budgetRefusal(budget, { total: 2, risk: 2, category: 0 }, 'LOW', 'errors')).toBeNull();
    expect(budgetRefusal(budget, { total: 3, risk: 0, category: 3 }, 'LOW', 'security')).toBe(
      'budget: already 3 security actions in the last hour (at most 3)',
    );
    expect(budgetRefusal(budget, { total: 0, risk: 1, category: 0 }, 'HIGH', 'business')).toMatch(/1 HIGH-risk/);
  });
});
