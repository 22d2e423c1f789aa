import { METRIC_RULES } from '../firings/rule-set.js';
import { expectedRecovery, judgeAgainstCourse, recoveryOf } from './counterfactual.js';

const rule = (kind: string) => METRIC_RULES.find((r) => r.kind === kind)!;
const burst = rule('client_error_burst');

describe('recovery', () => {
  it('is only back past the threshold: a metric that merely fell, or stays at 0 against 0, has not recovered', () => {
    expect(recoveryOf(burst, 10)).toBe('RECOVERED');
    expect(recoveryOf(rule('p95_latency'), 300)).toBe('NOT_RECOVERED'); // from 400: fell, still above 150
    expect(recoveryOf({ ...burst, threshold: 0 }, 0)).toBe('NOT_RECOVERED');
    expect(recoveryOf(rule('throughput_drop'), 0.6)).toBe('RECOVERED');
  });

  it('a metric no longer reported tells nothing (it used to count as recovered)', () => {
    expect(recoveryOf(burst, null)).toBe('INCONCLUSIVE');
  });
});

describe('judging against the counterfactual', () => {
  const judge = (after: number | null, course: { samples: number; recovered: number }, nothingDone = false) =>
    judgeAgainstCourse({ rule: burst, before: 40, after, actionSucceeded: true, nothingDone, course });

  it('a burst that ends by itself is not a success for whatever was done', () => {
    // Ten firings where nothing was done: nine ended on their own by the check.
    const j = judge(0, { samples: 10, recovered: 9 });
    expect(j).toMatchObject({ verdict: 'ENDED_ON_ITS_OWN', recovery: 'RECOVERED' });
    expect(j.credit).toBeCloseTo(1 - 10 / 12, 5);
  });

  it('a recovery that doing nothing rarely gives is credited to the action', () => {
    const j = judge(5, { samples: 10, recovered: 1 });
    expect(j.verdict).toBe('FIXED');
    expect(j.credit).toBeCloseTo(1 - 2 / 12, 5);
  });

  it('no recovery earns nothing; controls and unmeasurable outcomes are not credited', () => {
    expect(judge(45, { samples: 0, recovered: 0 })).toMatchObject({ verdict: 'NOT_FIXED', credit: 0 });
    expect(judge(0, { samples: 0, recovered: 0 }, true)).toMatchObject({ verdict: 'CONTROL', credit: null });
    expect(judge(null, { samples: 0, recovered: 0 })).toMatchObject({ verdict: 'INCONCLUSIVE', credit: null });
    expect(
      judgeAgainstCourse({
        rule: burst,
        before: 40,
        after: 0,
        actionSucceeded: false,
        nothingDone: false,
        course: { samples: 0, recovered: 0 },
      }),
    ).toMatchObject({ verdict: 'NOT_FIXED', credit: 0 });
  });

  it('before any control the expected course is an even chance', () => {
    expect(expectedRecovery({ samples: 0, recovered: 0 })).toBe(0.5);
  });
});
