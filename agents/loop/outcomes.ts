import { ObjectId } from 'mongodb';
import type { Logger } from '../../platform/logger.js';
import type { ClaimStore } from '../claims.store.js';
import type { Clock } from '../clock.js';
import type { DecisionDocument } from '../decisions/decision.document.js';
import type { DecisionEvents } from '../decisions/decision-events.js';
import type { DecisionRunner } from '../decisions/decision-runner.js';
import type { DecisionStore } from '../decisions/decision.store.js';
import { ruleAt } from '../firings/rule-set.js';
import { CONTROL_ACTION, type ArmStore } from '../learning/arm.store.js';
import { judgeAgainstCourse, recoveryOf } from '../learning/counterfactual.js';
import type { TeamStore } from '../team/team.store.js';
import type { ActionJudge, ActionJudges } from './action-judges.js';
import type { OutcomeQueue } from './outcome-queue.store.js';
import { judgeOutcome } from './outcome-judge.js';

export interface OutcomeReport {
  evaluated: number;
  rolledBack: number;
}

/**
 * Checks executed decisions once their delay is over: judges the outcome, feeds the Beta
 * posterior and the member's record, and rolls back a reversible action that did not help.
 * A claim per decision makes sure it is judged, and learnt from, once.
 */
export class OutcomeEvaluator {
  constructor(
    private readonly deps: {
      decisions: DecisionStore;
      queue: OutcomeQueue;
      arms: ArmStore;
      team: TeamStore;
      runner: DecisionRunner;
      events: DecisionEvents;
      claims: ClaimStore;
      clock: Clock;
      logger: Logger;
      /** How long after a decision its outcome is checked (AGENTS_OUTCOME_DELAY_SECONDS). */
      delayMs?: number;
      /** Actions judged by a measure of their own, not by their trigger's metric (action-judges.ts). */
      judges?: ActionJudges;
    },
  ) {}

  /**
   * A decision that was not acted on (held by DRY_RUN, a budget or the mode, or waiting for
   * approval): what its metric does meanwhile is part of the expected course too, checked after
   * the same delay as an action's outcome.
   */
  async watchNothingDone(decision: DecisionDocument, now: Date): Promise<void> {
    if (decision.trigger.metric === 'schedule' || decision.status === 'EXECUTED') return;
    await this.deps.queue.add(decision._id.toHexString(), new Date(now.getTime() + (this.deps.delayMs ?? 0)));
  }

  /** Counted once per decision, as a firing where nothing was done, unless it was acted on since. */
  private async recordNothingDone(decision: DecisionDocument, after: number | null, now: Date): Promise<void> {
    const rule = ruleAt(decision.trigger.kind, decision.trigger.threshold);
    if (!rule || decision.executedAt) return;
    const recovery = recoveryOf(rule, after);
    if (recovery === 'INCONCLUSIVE') return;
    if (!(await this.deps.claims.claim(`decision:${decision._id.toHexString()}:course`, now))) return;
    await this.deps.arms.recordOutcome(
      decision.trigger.kind,
      CONTROL_ACTION,
      { credit: null, recovered: recovery === 'RECOVERED' },
      now,
    );
    this.deps.logger.info(
      { decisionId: decision._id.toHexString(), status: decision.status, recovery },
      'agents: nothing was done; counted in the expected course',
    );
  }

  /**
   * An action with a judge of its own (owner notifications): its measure decides the outcome and
   * what is learnt (`achieved` as the recovery, the judge's credit), never its trigger's metric.
   * Nothing is rolled back: such an action has nothing to undo.
   */
  private async judgeOwn(
    decision: DecisionDocument,
    judge: ActionJudge,
    after: number | null,
    now: Date,
  ): Promise<boolean> {
    const { decisions, arms, team, events, claims, logger } = this.deps;
    const judged = await judge.judge(decision, now);
    if (!(await claims.claim(`decision:${decision._id.toHexString()}:outcome`, now))) return false;
    const outcome = {
      metric: decision.trigger.metric,
      before: decision.trigger.value,
      after,
      success: judged.success,
      note: `${judged.verdict}: ${judged.note}`,
      verdict: judged.verdict,
      credit: judged.credit,
      evaluatedAt: now,
    };
    const updated = await decisions.transition(decision._id, ['EXECUTED'], { outcome, updatedAt: now });
    if (!updated) return false;
    await arms.recordOutcome(
      decision.trigger.kind,
      decision.action,
      { credit: judged.credit, recovered: judged.achieved },
      now,
    );
    await team.recordOutcome(decision.memberId, judged.success);
    logger.info({ decisionId: decision._id.toHexString(), ...judged }, 'agents: outcome evaluated by its own measure');
    await events.changed(updated);
    return true;
  }

  /** `valueNow` gives the current value of a decision's trigger metric, or null when unreported. */
  async evaluateDue(valueNow: (decision: DecisionDocument) => number | null): Promise<OutcomeReport> {
    const { decisions, queue, arms, team, runner, events, claims, clock, logger } = this.deps;
    const now = new Date(clock.now());
    const report: OutcomeReport = { evaluated: 0, rolledBack: 0 };
    for (const id of await queue.due(now)) {
      const decision = ObjectId.isValid(id) ? await decisions.findById(new ObjectId(id)) : null;
      await queue.remove(id);
      if (!decision || decision.outcome) continue;
      if (decision.status !== 'EXECUTED') {
        if (decision.trigger.metric !== 'schedule') await this.recordNothingDone(decision, valueNow(decision), now);
        continue;
      }
      const own = this.deps.judges?.[decision.action];
      if (own) {
        if (await this.judgeOwn(decision, own, valueNow(decision), now)) report.evaluated++;
        continue;
      }
      const rule =
        decision.trigger.metric === 'schedule' ? undefined : ruleAt(decision.trigger.kind, decision.trigger.threshold);
      const after = rule ? valueNow(decision) : null;
      const nothingDone = decision.action === CONTROL_ACTION;
      // Judged against the counterfactual: what the metric does when nothing is done.
      const credit = rule
        ? judgeAgainstCourse({
            rule,
            before: decision.trigger.value,
            after,
            actionSucceeded: decision.execution?.success ?? false,
            nothingDone,
            course: await arms.expectedCourse(decision.trigger.kind),
          })
        : null;
      const judgement = credit
        ? { success: credit.verdict === 'FIXED', note: `${credit.verdict}: ${credit.note}` }
        : judgeOutcome({
            rule,
            before: decision.trigger.value,
            after,
            actionSucceeded: decision.execution?.success ?? false,
          });
      const outcome = {
        metric: decision.trigger.metric,
        before: decision.trigger.value,
        after,
        ...judgement,
        ...(credit
          ? { verdict: credit.verdict, credit: credit.credit, expectedRecovery: credit.expectedRecovery }
          : {}),
        evaluatedAt: now,
      };
      if (!(await claims.claim(`decision:${decision._id.toHexString()}:outcome`, now))) continue;
      const updated = await decisions.transition(decision._id, ['EXECUTED'], { outcome, updatedAt: now });
      if (!updated) continue;
      report.evaluated++;
      if (!credit) await arms.record(decision.trigger.kind, decision.action, judgement.success, now);
      else if (credit.verdict !== 'INCONCLUSIVE') {
        await arms.recordOutcome(
          decision.trigger.kind,
          decision.action,
          { credit: credit.credit, recovered: credit.recovery === 'RECOVERED' },
          now,
        );
        const choice = decision.choice;
        if (choice && credit.credit !== null)
          await arms.recordChoice(decision.trigger.kind, choice.model ? 'model' : 'bandit', {
            credit: credit.credit,
            disagreed: choice.model !== null && choice.model !== choice.bandit,
          });
      }
      if (!nothingDone) await team.recordOutcome(decision.memberId, judgement.success);
      logger.info(
        { decisionId: decision._id.toHexString(), success: judgement.success, note: judgement.note },
        'agents: outcome evaluated',
      );
      // Undone only when the metric did not recover: an action that may have worked stays in
      // force (until its own end) even when the expected course leaves it little of the credit.
      const failed = credit ? credit.verdict === 'NOT_FIXED' : !judgement.success;
      if (failed && decision.reversible) {
        const rolled = await runner.rollBack(updated, `outcome check failed: ${judgement.note}`);
        if (rolled) report.rolledBack++;
      } else {
        await events.changed(updated);
      }
    }
    return report;
  }
}
