import {
  forceResolve,
  initialRuleState,
  stepRule,
  type RuleSpec,
  type RuleState,
  type Transition,
} from './rule-engine.js';

const SPEC: RuleSpec = {
  direction: 'above',
  threshold: 110,
  hysteresis: 5,
  minDurationMs: 30_000,
  cooldownMs: 600_000,
  maxGapMs: 120_000,
};
const s = (seconds: number) => seconds * 1000;

/** Steps a run of [seconds, value] observations and returns the transitions, with their times in seconds. */
function run(state: RuleState, observations: [number, number][], spec = SPEC) {
  const out: { kind: Transition['kind']; at: number }[] = [];
  for (const [seconds, value] of observations) {
    const t = stepRule(spec, state, s(seconds), value);
    if (t) out.push({ kind: t.kind, at: t.at / 1000 });
  }
  return out;
}
const every = (from: number, to: number, step: number, value: number): [number, number][] =>
  Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => [from + i * step, value]);

describe('stepRule: a threshold rule in event time', () => {
  it('opens once the breach has lasted the minimum duration, and only once while it lasts', () => {
    const state = initialRuleState();
    expect(run(state, every(0, 600, 5, 120))).toEqual([{ kind: 'open', at: 30 }]);
    expect(state).toMatchObject({ phase: 'open', opened: 1, openedAt: s(30), peak: 120 });
  });

  it('raises nothing for a spike shorter than the minimum duration', () => {
    const state = initialRuleState();
    expect(run(state, [...every(0, 25, 5, 125), ...every(30, 300, 5, 90)])).toEqual([]);
    expect(state.phase).toBe('idle');
  });

  it('resolves only after the value stays past the hysteresis for the minimum duration', () => {
    const state = initialRuleState();
    run(state, every(0, 60, 5, 120));
    // Below the threshold but within the hysteresis band: still open.
    expect(run(state, every(65, 300, 5, 107))).toEqual([]);
    expect(state.phase).toBe('open');
    // Clear, but bounced back before the minimum duration: still open.
    expect(run(state, [...every(305, 325, 5, 100), [330, 108]])).toEqual([]);
    expect(state.phase).toBe('open');
    expect(run(state, every(335, 400, 5, 95))).toEqual([{ kind: 'resolve', at: 365 }]);
    expect(state).toMatchObject({ phase: 'idle', resolvedAt: s(365) });
  });

  it('does not alert again during the cooldown, and alerts after it if the condition still holds', () => {
    const state = initialRuleState();
    run(state, [...every(0, 60, 5, 120), ...every(65, 100, 5, 90)]);
    expect(state.resolvedAt).toBe(s(95));
    // Breaching again from 200 s: in cooldown until 95 + 600 = 695 s.
    expect(run(state, every(200, 800, 5, 120))).toEqual([{ kind: 'open', at: 695 }]);
    expect(state.opened).toBe(2);
  });

  it('restarts the duration when the observations have a gap (the device was off)', () => {
    const state = initialRuleState();
    // 20 s of breach, 10 minutes of silence, then 20 s more: never 30 s continuous.
    expect(run(state, [...every(0, 20, 5, 120), ...every(620, 640, 5, 120)])).toEqual([]);
    expect(run(state, [[650, 120]])).toEqual([{ kind: 'open', at: 650 }]);
  });

  it('ignores observations measured before the newest one it has seen, so late uploads cannot flap the alert', () => {
    const state = initialRuleState();
    run(state, every(0, 120, 5, 120));
    // A late batch from before the alert, all cool: must not start clearing.
    expect(run(state, every(0, 115, 5, 80))).toEqual([]);
    expect(state).toMatchObject({ phase: 'open', lastAt: s(120) });
    run(state, every(125, 200, 5, 90));
    expect(state.phase).toBe('idle');
    // A late batch from during the overheat must not reopen it.
    expect(run(state, every(60, 120, 5, 130))).toEqual([]);
    expect(state.opened).toBe(1);
  });

  it('treats the same observation twice as one', () => {
    const state = initialRuleState();
    expect(
      run(state, [
        [0, 120],
        [0, 120],
        [30, 120],
        [30, 120],
      ]),
    ).toEqual([{ kind: 'open', at: 30 }]);
  });

  it('alerts at once with no minimum duration, for "below" rules too', () => {
    const state = initialRuleState();
    const spec: RuleSpec = {
      ...SPEC,
      direction: 'below',
      threshold: 12,
      hysteresis: 0.2,
      minDurationMs: 0,
      cooldownMs: 0,
    };
    expect(
      run(
        state,
        [
          [0, 12.5],
          [1, 11.2],
          [2, 11.1],
          [3, 12.1],
          [4, 12.3],
        ],
        spec,
      ),
    ).toEqual([
      { kind: 'open', at: 1 },
      { kind: 'resolve', at: 4 },
    ]);
    expect(state.peak).toBeNull();
  });

  it('force-resolves an open alert and does nothing to an idle rule', () => {
    const open = initialRuleState();
    run(open, every(0, 40, 5, 120));
    expect(forceResolve(open, s(50))).toEqual({ kind: 'resolve', at: s(50), value: null });
    expect(open.phase).toBe('idle');
    const idle = initialRuleState();
    run(idle, [[0, 120]]);
    expect(forceResolve(idle, s(5))).toBeNull();
    expect(idle).toMatchObject({ phase: 'idle', since: null });
  });
});
