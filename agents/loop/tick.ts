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
import { guardrailVerdict } from '../decisions/guardrails.js';
import type { ActiveEffectStore } from '../effects/active-effect.store.js';
import { announceGatewayLimits } from '../effects/gateway-rate-limits.js';
import { expireEffects } from '../effects/log-level.effect.js';
import { evaluateRules, type TrackedGoal } from '../firings/evaluate.js';
import type { FiringStore } from '../firings/firing.store.js';
import { GOAL_RULE, METRIC_RULES } from '../firings/rule-set.js';
import type { TriggerStateStore } from '../firings/trigger-state.store.js';
import { pointsBehind } from '../goals/goal-math.js';
import type { GoalService } from '../goals/goal.service.js';
import type { AutonomousModeValue } from '../settings.js';
import type { LiveFeeds } from '../signals/live-feeds.js';
import type { ObservationCollector } from '../signals/observations.js';
import type { TeamStore } from '../team/team.store.js';
import type { DailyRoutine } from '../triggers/schedule.js';
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
}

export interface TickDeps {
  mode: ModeStore;
  feeds: LiveFeeds;
  observations: ObservationCollector;
  goals: GoalService;
  states: TriggerStateStore;
  firings: FiringStore;
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
    maxActionsPerHour: number;
    instanceId: string;
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
    };
    report.effectsExpired = (await expireEffects(d.activeEffects, d.bus, startedAt)).length;
    // Even when OFF: the kill switch stops new actions, not the ones still in force.
    const limitsAnnounced = await announceGatewayLimits(d.activeEffects, d.bus, startedAt).catch((err: unknown) => {
      log.warn({ err }, 'agents tick: gateway rate limits not announced');
      return 0;
    });
    await d.clientErrors.deleteOlderThan(new Date(startedAt.getTime() - CLIENT_ERROR_RETENTION_MS));
    await d.limiter.deleteExpired(startedAt);
    await d.recentActions.prune(startedAt);
    log.info({ mode, effectsExpired: report.effectsExpired, limitsAnnounced }, 'agents tick: housekeeping done');

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

  private async work(mode: AutonomousModeValue, now: Date, report: TickReport, log: Logger): Promise<void> {
    const d = this.deps;
    await d.feeds.refresh().catch((err: unknown) => log.warn({ err }, 'agents tick: feeds not refreshed'));
    const observations = await d.observations.collect();
    log.info({ metrics: observations.metrics }, 'agents tick: observed');

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

    const states = await d.states.load();
    const since = (await d.status.get()).lastTickAt;
    const evaluation = evaluateRules({
      observations,
      metricRules: METRIC_RULES,
      goalRule: GOAL_RULE,
      goals,
      routines: d.settings.routines,
      since: since ? since.getTime() : null,
      states,
    });
    await d.states.save(evaluation.states);
    report.suppressed = evaluation.suppressed.length;
    log.info(
      { fired: evaluation.firings.map((f) => f.dedupKey), suppressed: evaluation.suppressed },
      'agents tick: triggers evaluated',
    );

    for (const draft of evaluation.firings) {
      const firing = await d.firings.record(draft, mode);
      if (!firing) continue;
      report.firings++;
      const decision = await d.maker.decide(firing, observations.metrics, mode, now);
      const verdict = guardrailVerdict({
        mode,
        action: decision.action,
        risk: decision.risk,
        approvalActions: d.settings.approvalActions,
        actionsInLastHour: await d.recentActions.countSince(new Date(now.getTime() - HOUR_MS)),
        maxActionsPerHour: d.settings.maxActionsPerHour,
      });
      decision.status = verdict.next === 'execute' ? 'PROPOSED' : verdict.next;
      decision.statusReason = verdict.reason;
      await d.decisions.insert(decision);
      await d.firings.linkDecision(firing._id, decision._id.toHexString());
      await d.team.recordDecision(decision.memberId, now);
      await d.events.changed(decision);
      const final = verdict.next === 'execute' ? await d.runner.execute(decision, ['PROPOSED']) : decision;
      log.info(
        { decisionId: final._id.toHexString(), action: final.action, status: final.status },
        'agents tick: decision recorded',
      );
      report.decisions.push(final);
    }
  }
}
