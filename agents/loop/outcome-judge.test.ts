import { METRIC_RULES } from '../firings/rule-set.js';
import { judgeOutcome } from './outcome-judge.js';

const rule = (kind: string) => METRIC_RULES.find((r) => r.kind === kind)!;

describe('outcome judgement', () => {
  it('succeeds when the metric is back under the threshold or improved by a fifth', () => {
    expect(judgeOutcome({ rule: rule('p95_latency'), before: 400, after: 120, actionSucceeded: true }).success).toBe(
      true,
    );
    expect(judgeOutcome({ rule: rule('p95_latency'), before: 400, after: 300, actionSucceeded: true }).success).toBe(
      true,
    );
    expect(judgeOutcome({ rule: rule('p95_latency'), before: 400, after: 390, actionSucceeded: true })).toMatchObject({
      success: false,
      note: expect.stringMatching(/still at 390/),
    });
  });
  it('reads "below" rules the other way round', () => {
    expect(
      judgeOutcome({ rule: rule('throughput_drop'), before: 0.1, after: 0.6, actionSucceeded: true }).success,
    ).toBe(true);
    expect(
      judgeOutcome({ rule: rule('throughput_drop'), before: 0.1, after: 0.11, actionSucceeded: true }).success,
    ).toBe(false);
  });
  it('a metric no longer reported counts as recovered; a failed action never succeeds; routines succeed when they ran', () => {
    expect(judgeOutcome({ rule: rule('error_rate'), before: 5, after: null, actionSucceeded: true }).success).toBe(
      true,
    );
    expect(judgeOutcome({ rule: rule('error_rate'), before: 5, after: 0, actionSucceeded: false }).success).toBe(false);
    expect(judgeOutcome({ rule: undefined, before: 0, after: null, actionSucceeded: true }).success).toBe(true);
  });
});
