import { guardrailVerdict, type GuardrailInput } from './guardrails.js';

const base: GuardrailInput = {
  mode: 'ON',
  action: 'open_incident',
  risk: 'LOW',
  approvalActions: [],
  actionsInLastHour: 0,
  maxActionsPerHour: 5,
};

describe('guardrails', () => {
  it('ON executes a low-risk action within the hourly budget', () => {
    expect(guardrailVerdict(base)).toEqual({ next: 'execute', reason: null });
  });
  it('DRY_RUN only proposes', () => {
    expect(guardrailVerdict({ ...base, mode: 'DRY_RUN' })).toMatchObject({
      next: 'PROPOSED',
      reason: expect.stringMatching(/DRY_RUN/),
    });
  });
  it('HIGH risk, or an action listed for approval, waits for an admin', () => {
    expect(guardrailVerdict({ ...base, action: 'notify_critical_owners', risk: 'HIGH' }).next).toBe(
      'APPROVAL_REQUIRED',
    );
    expect(guardrailVerdict({ ...base, approvalActions: ['open_incident'] }).next).toBe('APPROVAL_REQUIRED');
  });
  it('past the hourly budget a decision is only proposed, but doing nothing is always allowed', () => {
    expect(guardrailVerdict({ ...base, actionsInLastHour: 5 })).toMatchObject({
      next: 'PROPOSED',
      reason: expect.stringMatching(/at most 5/),
    });
    expect(guardrailVerdict({ ...base, action: 'no_op', actionsInLastHour: 5 }).next).toBe('execute');
  });
});
