import { getAction, type ActionId } from '../../../agents/actions/catalogue.js';
import { createArm, type BetaArm } from '../../../agents/learning/beta-arm.js';
import { isControlDraw } from '../../../agents/learning/control-arm.js';
import { judgeAgainstCourse, type ExpectedCourse } from '../../../agents/learning/counterfactual.js';
import { createLearningState, type LearningState } from '../../../agents/learning/learning-state.js';
import { chooseAction } from '../../../agents/learning/selection.js';
import { createRng, type Rng } from '../../../agents/learning/prng.js';
import { ruleFor } from '../../../agents/firings/rule-set.js';
import { judgeOutcome } from '../../../agents/loop/outcome-judge.js';
import type { ThresholdRule } from '../../../agents/triggers/threshold.js';

/*
 * A simulated environment for the loop's learning, run with the project's own functions
 * (the selection against doing nothing, the control draw, the counterfactual judge). Per incident type exactly one
 * eligible action truly fixes the incident (with probability `fixRate`); a share of incidents
 * are bursts that end on their own whatever is done; the metric read at the outcome check is
 * noisy, so a stuck metric sometimes looks recovered and a fixed one is read at a random level
 * under the threshold.
 */

export interface IncidentType {
  kind: string;
  actions: ActionId[];
  /** Share of incidents that end by themselves before the outcome check. */
  selfEnding: number;
}

export interface SimulationOptions {
  types: IncidentType[];
  episodes: number;
  runs: number;
  fixRate: number;
  controlShare: number;
  seed: number;
  prior?: { alpha: number; beta: number };
}

export const DEFAULT_TYPES: IncidentType[] = [
  {
    kind: 'client_error_burst',
    actions: ['tighten_rate_limits', 'raise_log_level', 'open_incident', 'check_database_indexes'],
    selfEnding: 0.5,
  },
  {
    kind: 'p95_latency',
    actions: ['tighten_rate_limits', 'raise_log_level', 'open_incident', 'check_database_indexes'],
    selfEnding: 0.2,
  },
  {
    kind: 'failed_login_burst',
    actions: ['tighten_rate_limits', 'raise_log_level', 'open_incident'],
    selfEnding: 0.35,
  },
  { kind: 'error_rate', actions: ['tighten_rate_limits', 'raise_log_level', 'open_incident'], selfEnding: 0.1 },
];

type Policy = 'loop' | 'random' | 'control';

interface Incident {
  before: number;
  selfEnds: boolean;
  fixDraw: number;
  /** Uniform draws for the metric's reading at the check. */
  noise: number;
}

export interface TypeResult {
  kind: string;
  selfEnding: number;
  /** First episode from which the loop's pick is the working action in ≥ 80 % of runs (five episodes running). */
  episodesTo80: number | null;
  /** Share of runs picking the working action, per episode. */
  pickRate: number[];
  /** Incidents resolved (fixed or ended by themselves), per policy. */
  resolved: Record<Policy, number>;
  controls: number;
  /**
   * The success the loop's actions were credited with, for the working action and for the
   * others, as judged now (credit against the expected course) and as the judge before
   * issue #13 did (any fall of a fifth, or the metric back under its threshold, was a success).
   */
  credited: { working: number; others: number };
  oldJudge: { working: number; others: number };
}

function incidentFor(rule: ThresholdRule, type: IncidentType, rng: Rng): Incident {
  const above = (rule.direction ?? 'above') === 'above';
  const level = 1.3 + 1.7 * rng.next();
  return {
    before: above ? rule.threshold * level : rule.threshold / level,
    selfEnds: rng.next() < type.selfEnding,
    fixDraw: rng.next(),
    noise: rng.next(),
  };
}

/**
 * What the metric reads at the check. Resolved: somewhere under the line, though one in ten is
 * still read above it (the check came early); not resolved: the old level, give or take, which
 * sometimes dips under the line.
 */
function reading(rule: ThresholdRule, incident: Incident, resolved: boolean): number {
  const above = (rule.direction ?? 'above') === 'above';
  const factor = resolved
    ? 0.2 + 0.9 * incident.noise
    : (0.5 + 0.8 * incident.noise) * (incident.before / rule.threshold);
  return above ? rule.threshold * factor : rule.threshold / factor;
}

function learn(state: LearningState, kind: string, action: string, recovered: boolean): LearningState {
  const same = (a: BetaArm) => a.triggerKind === kind && a.action === action;
  const arm = state.arms.find(same) ?? createArm(kind, action, state.prior);
  const next = {
    ...arm,
    alpha: arm.alpha + (recovered ? 1 : 0),
    beta: arm.beta + (recovered ? 0 : 1),
    pulls: arm.pulls + 1,
  };
  return { ...state, arms: [...state.arms.filter((a) => !same(a)), next] };
}

const rate = ([sum, n]: number[]) => (n ? sum / n : 0);

export function simulateLearning(options: SimulationOptions): TypeResult[] {
  return options.types.map((type, typeIndex) => {
    const rule = ruleFor(type.kind as never)!;
    const picks = new Array<number>(options.episodes).fill(0);
    const resolved: Record<Policy, number> = { loop: 0, random: 0, control: 0 };
    let controls = 0;
    const credit = { working: [0, 0], others: [0, 0] };
    const old = { working: [0, 0], others: [0, 0] };
    for (let run = 0; run < options.runs; run++) {
      const world = createRng(`${options.seed}:${typeIndex}:${run}:world`);
      const working = type.actions[Math.floor(world.next() * type.actions.length)];
      let state = createLearningState(options.prior);
      const course: ExpectedCourse = { samples: 0, recovered: 0 };
      for (let episode = 0; episode < options.episodes; episode++) {
        // The same incident for every policy: only the choice differs.
        const incident = incidentFor(rule, type, world);
        const outcome = (action: ActionId | 'no_op') =>
          incident.selfEnds || (action === working && incident.fixDraw < options.fixRate);
        const rng = createRng(`${options.seed}:${type.kind}:${run}:${episode}`);
        const choice = chooseAction(state, type.kind, type.actions, rng, course).action as ActionId;
        if (choice === working) picks[episode]++;
        const control = isControlDraw({ share: options.controlShare, risk: getAction(choice).risk, rng });
        const acted = control ? 'no_op' : choice;
        const loopResolved = outcome(acted);
        if (loopResolved) resolved.loop++;
        const randomPick = type.actions[Math.floor(rng.next() * type.actions.length)];
        if (outcome(randomPick)) resolved.random++;
        if (outcome('no_op')) resolved.control++;

        const judged = judgeAgainstCourse({
          rule,
          before: incident.before,
          after: reading(rule, incident, loopResolved),
          actionSucceeded: true,
          nothingDone: control,
          course,
        });
        const recovered = judged.recovery === 'RECOVERED';
        if (!control) {
          const which = acted === working ? 'working' : 'others';
          credit[which][0] += judged.credit ?? 0;
          credit[which][1]++;
          const before = judgeOutcome({
            rule,
            before: incident.before,
            after: reading(rule, incident, loopResolved),
            actionSucceeded: true,
          });
          old[which][0] += before.success ? 1 : 0;
          old[which][1]++;
        }
        if (control) {
          controls++;
          course.samples++;
          if (recovered) course.recovered++;
        } else state = learn(state, type.kind, acted, recovered);
      }
    }
    const pickRate = picks.map((p) => p / options.runs);
    const window = 5;
    let episodesTo80: number | null = null;
    for (let e = 0; e + window <= pickRate.length; e++) {
      if (pickRate.slice(e, e + window).every((r) => r >= 0.8)) {
        episodesTo80 = e + 1;
        break;
      }
    }
    const per = options.runs * options.episodes;
    return {
      kind: type.kind,
      selfEnding: type.selfEnding,
      episodesTo80,
      pickRate,
      resolved: { loop: resolved.loop / per, random: resolved.random / per, control: resolved.control / per },
      controls: controls / options.runs,
      credited: { working: rate(credit.working), others: rate(credit.others) },
      oldJudge: { working: rate(old.working), others: rate(old.others) },
    };
  });
}
