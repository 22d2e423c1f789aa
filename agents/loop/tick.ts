import type { EventBus } from '../../platform/events/bus.js';
import type { Logger } from '../../platform/logger.js';
import type { ActionId } from '../actions/catalogue.js';
import type { ModeStore } from '../autonomy/mode.store.js';
import type { ClientErrorStore } from '../client-errors/client-error.store.js';
import type { WindowRateLimiter } from '../client-errors/rate-limiter.js';
import type { Clock } from '../clock.js';
import type { DecisionDocument } from '../decisions/decision.document.js';
import type { DecisionEvents } from '../decisions/decision-events.js';
import type { DecisionMaker } from '../decisions/decision-maker.js';
import type { DecisionRunner } from '../decisions/decision-runner.js';
import type { DecisionStore } from '../decisions/decision.store.js';
import type { RecentActions } from '../decisions/recent-actions.store.js';
import { assessRisk } from '../decisions/blast-radius.js';
import { guardrailVerdict, type ActionBudget } from '../decisions/guardrails.js';
import type { ActiveEffectStore } from '../effects/active-effect.store.js';
import { expireEffects } from '../effects/end-effects.js';
import type { IncidentStore } from '../effects/incident.store.js';
import { announceGatewayLimits } from '../effects/gateway-rate-limits.js';
import { evaluateRules, type TrackedGoal } from '../firings/evaluate.js';
import type { FiringStore } from '../firings/firing.store.js';
import { GOAL_RULE, METRIC_RULES, ruleAt } from '../firings/rule-set.js';
import type { ThresholdRule } from '../triggers/threshold.js';
import type { TriggerStateStore } from '../firings/trigger-state.store.js';
import { pointsBehind } from '../goals/goal-math.js';
import type { GoalService } from '../goals/goal.service.js';
import type { AutonomousModeValue } from '../settings.js';
import type { LiveFeeds } from '../signals/live-feeds.js';
import type { ObservationCollector } from '../signals/observations.js';
import type { TeamStore } from '../team/team.store.js';
import type { DailyRoutine } from '../triggers/schedule.js';
import { expirePending, reconsiderHeld, type HeldDecisionDeps } from './held-decisions.js';
import type { IncidentDetector } from './detector.js';
import type { LoopStatusStore } from './loop-status.store.js';
import type { OutcomeEvaluator } from './outcomes.js';

export interface TickReport {
  startedAt: Date;
  durationMs: number;
  reason: string;
  mode: AutonomousModeValue;
  /** True in OFF: only housekeeping ran. */
  skipped: boolean;
  firings: number;
  suppressed: number;
  decisions: DecisionDocument[];
  outcomesEvaluated: number;
  rolledBack: number;
  effectsExpired: number;
  /** Waiting decisions that ran out of time. */
  decisionsExpired: number;
  /** True when the mode left ON or DRY_RUN during the tick, which then stopped. */
  interrupted: boolean;
}

export interface TickDeps {
  /** Firings on in-memory signals kept while the database was down, recorded first. */
  detector?: Pick<IncidentDetector, 'drainPending' | 'adopt'>;
  mode: ModeStore;
  feeds: LiveFeeds;
  observations: ObservationCollector;
  goals: GoalService;
  states: TriggerStateStore;
  firings: FiringStore;
  /** Incidents whose condition cleared are resolved here (absent in tests that do not need it). */
  incidents?: Pick<IncidentStore, 'resolveCleared'>;
  maker: DecisionMaker;
  decisions: DecisionStore;
  recentActions: RecentActions;
  runner: DecisionRunner;
  outcomes: OutcomeEvaluator;
  activeEffects: ActiveEffectStore;
  clientErrors: ClientErrorStore;
  limiter: WindowRateLimiter;
  team: TeamStore;
  events: DecisionEvents;
  status: LoopStatusStore;
  bus: EventBus;
  clock: Clock;
  logger: Logger;
  settings: {
    routines: readonly DailyRoutine[];
    approvalActions: readonly ActionId[];
    budget: ActionBudget;
    /** How long a decision may wait for an approval, or for the mode or budget to allow it. */
    approvalTtlMs: number;
    instanceId: string;
    /** How often an off-track goal fires again while it stays behind (GOAL_RULE's when absent). */
    goalRepeatMs?: number;
    /** The metric rules with the configured lines (METRIC_RULES by default). */
    rules?: readonly ThresholdRule[];
  };
}

const HOUR_MS = 3_600_000;
const CLIENT_ERROR_RETENTION_MS = 7 * 24 * HOUR_MS;

const trackedGoal = (g: Awaited<ReturnType<GoalService['trackable']>>[number]): TrackedGoal => ({
  key: g._id,
  direction: g.direction,
  current: g.current,
  target: g.target,
  startValue: g.startValue,
  startedAt: new Date(g.startedAt),
  dueAt: g.dueAt ? new Date(g.dueAt) : null,
});

/**
 * One pass of the loop: housekeeping (expired effects, gateway limits repeated, old reports),
 * then, unless the kill switch is OFF, observe → check outcomes → evaluate triggers → decide →
 * act within the guardrails. Each step logs what it did.
 */
export class AutonomousTick {
  constructor(private readonly deps: TickDeps) {}

  async run(reason: string): Promise<TickReport> {
    const d = this.deps;
    const startedAt = new Date(d.clock.now());
    const log = d.logger.child({ tick: startedAt.toISOString(), reason });
    const { mode } = await d.mode.get();
    const report: TickReport = {
      startedAt,
      durationMs: 0,
      reason,
      mode,
      skipped: mode === 'OFF',
      firings: 0,
      suppressed: 0,
      decisions: [],
      outcomesEvaluated: 0,
      rolledBack: 0,
      effectsExpired: 0,
      decisionsExpired: 0,
      interrupted: false,
    };
    report.effectsExpired = (await expireEffects(d.activeEffects, d.bus, startedAt)).length;
    report.decisionsExpired = await expirePending(this.heldDeps(), startedAt);
    // Even when OFF: the kill switch stops new actions, not the ones still in force.
    const limitsAnnounced = await announceGatewayLimits(d.activeEffects, d.bus, startedAt).catch((err: unknown) => {
      log.warn({ err }, 'agents tick: gateway rate limits not announced');
      return 0;
    });
    await d.clientErrors.deleteOlderThan(new Date(startedAt.getTime() - CLIENT_ERROR_RETENTION_MS));
    await d.limiter.deleteExpired(startedAt);
    await d.recentActions.prune(startedAt);
    log.info(
      { mode, effectsExpired: report.effectsExpired, decisionsExpired: report.decisionsExpired, limitsAnnounced },
      'agents tick: housekeeping done',
    );

    if (mode !== 'OFF') await this.work(mode, startedAt, report, log);
    else log.info('agents tick: mode OFF, nothing evaluated');

    const previous = await d.status.get();
    report.durationMs = d.clock.now() - startedAt.getTime();
    await d.status.record({
      lastTickAt: startedAt,
      lastTickBy: d.settings.instanceId,
      lastTickReason: reason,
      lastTickDurationMs: report.durationMs,
      nextTickAt: previous.nextTickAt,
    });
    log.info(
      {
        durationMs: report.durationMs,
        firings: report.firings,
        decisions: report.decisions.length,
        outcomes: report.outcomesEvaluated,
      },
      'agents tick: done',
    );
    return report;
  }

  private heldDeps(): HeldDecisionDeps {
    const d = this.deps;
    return {
      decisions: d.decisions,
      runner: d.runner,
      events: d.events,
      recentActions: d.recentActions,
      mode: d.mode,
      logger: d.logger,
      approvalActions: d.settings.approvalActions,
      budget: d.settings.budget,
    };
  }

  private async work(mode: AutonomousModeValue, now: Date, report: TickReport, log: Logger): Promise<void> {
    const d = this.deps;
    await d.feeds.refresh().catch((err: unknown) => log.warn({ err }, 'agents tick: feeds not refreshed'));
    const observations = await d.observations.collect();
    log.info({ metrics: observations.metrics }, 'agents tick: observed');
    log.debug({ observations }, 'agents tick: observations in full');

    const goals = (await d.goals.trackable()).map(trackedGoal);
    const behind = new Map(goals.map((g) => [g.key, pointsBehind(g, now.getTime())]));
    const outcomes = await d.outcomes.evaluateDue((decision) =>
      decision.trigger.kind === 'goal_off_track'
        ? (behind.get(decision.trigger.subject) ?? null)
        : (observations.metrics[decision.trigger.metric] ?? null),
    );
    report.outcomesEvaluated = outcomes.evaluated;
    report.rolledBack = outcomes.rolledBack;
    log.info(outcomes, 'agents tick: outcomes checked');

    // What fired a held decision must still hold for it to act now.
    const stillFiring = (decision: DecisionDocument): boolean => {
      const { trigger } = decision;
      if (trigger.metric === 'schedule') return true;
      if (trigger.kind === 'goal_off_track') return (behind.get(trigger.subject) ?? -Infinity) >= GOAL_RULE.threshold;
      const rule = ruleAt(trigger.kind, trigger.threshold);
      const value = rule ? observations.metrics[rule.metric] : undefined;
      if (!rule || value === undefined) return false;
      return rule.direction === 'below' ? value <= rule.threshold : value >= rule.threshold;
    };
    if (mode === 'ON') report.decisions.push(...(await reconsiderHeld(this.heldDeps(), stillFiring, now)));

    const states = await d.states.load();
    // What fired while the database was down: recorded now, and its rules not fired again.
    const pending = d.detector?.drainPending(now.getTime()) ?? { firings: [], states: new Map() };
    for (const [key, state] of pending.states) states.set(key, state);
    if (pending.firings.length)
      log.info(
        { fired: pending.firings.map((f) => f.dedupKey) },
        'agents tick: firings kept while the database was down',
      );
    const since = (await d.status.get()).lastTickAt;
    const evaluation = evaluateRules({
      observations,
      metricRules: d.settings.rules ?? METRIC_RULES,
      goalRule: d.settings.goalRepeatMs
        ? { ...GOAL_RULE, repeatMs: d.settings.goalRepeatMs, cooldownMs: d.settings.goalRepeatMs }
        : GOAL_RULE,
      goals,
      routines: d.settings.routines,
      since: since ? since.getTime() : null,
      states,
    });
    const changed = new Map([...pending.states, ...evaluation.states]);
    await d.states.save(changed);
    d.detector?.adopt(evaluation.states, evaluation.firings);
    evaluation.firings.unshift(...pending.firings);
    // An incident resolves itself once its trigger has recovered past its hysteresis (re-armed).
    const cleared = [...evaluation.states]
      .filter(([key, state]) => state.armed && states.get(key)?.armed === false)
      .map(([key]) => key);
    if (cleared.length && d.incidents) {
      const resolved = await d.incidents.resolveCleared(cleared, now);
      if (resolved.length)
        log.info({ resolved: resolved.map((i) => i.key) }, 'agents tick: incidents resolved, condition cleared');
    }
    report.suppressed = evaluation.suppressed.length;
    log.info(
      { fired: evaluation.firings.map((f) => f.dedupKey), suppressed: evaluation.suppressed },
      'agents tick: triggers evaluated',
    );

    for (const draft of evaluation.firings) {
      // The kill switch, read again before each firing: a model's answer can take many seconds.
      const current = (await d.mode.get()).mode;
      if (current === 'OFF') {
        report.interrupted = true;
        log.warn({ left: evaluation.firings.length - report.firings }, 'agents tick: mode set to OFF, tick stopped');
        break;
      }
      const firing = await d.firings.record(draft, current);
      if (!firing) continue;
      report.firings++;
      const decision = await d.maker.decide(firing, observations.metrics, current, now);
      const inForce = (await d.mode.get()).mode;
      const assessment = assessRisk(decision.action, decision.parameters);
      const verdict = guardrailVerdict({
        // Whichever is stricter: the mode it was decided in, or the one in force now.
        mode: inForce === 'ON' ? current : inForce,
        action: decision.action,
        risk: assessment.risk,
        category: decision.category,
        limitsExceeded: assessment.limitsExceeded,
        approvalActions: d.settings.approvalActions,
        budget: d.settings.budget,
        used: await d.recentActions.usage(
          new Date(now.getTime() - HOUR_MS),
          { risk: assessment.risk, category: decision.category },
          '',
        ),
      });
      decision.risk = assessment.risk;
      decision.blastRadius = assessment.blastRadius;
      decision.limitsExceeded = assessment.limitsExceeded;
      decision.status = verdict.next === 'execute' ? 'PROPOSED' : verdict.next;
      decision.statusReason = verdict.reason;
      decision.heldBy = verdict.heldBy;
      decision.pendingUntil = decision.action === 'no_op' ? null : new Date(now.getTime() + d.settings.approvalTtlMs);
      await d.decisions.insert(decision);
      await d.firings.linkDecision(firing._id, decision._id.toHexString());
      await d.team.recordDecision(decision.memberId, now);
      await d.events.changed(decision);
      const final = verdict.next === 'execute' ? await d.runner.execute(decision, ['PROPOSED']) : decision;
      // Not acted on (held, waiting): what its metric does meanwhile feeds the expected course.
      if (final.status !== 'EXECUTED') await d.outcomes.watchNothingDone(final, now);
      log.info(
        { decisionId: final._id.toHexString(), action: final.action, status: final.status },
        'agents tick: decision recorded',
      );
      report.decisions.push(final);
    }
  }
}
