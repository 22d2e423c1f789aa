import type { Logger } from '../../platform/logger.js';
import type { ActionParameters } from '../actions/catalogue.js';
import { validateActionParameters } from '../actions/catalogue.js';
import type { ClaimStore } from '../claims.store.js';
import type { Clock } from '../clock.js';
import type { EffectRegistry } from '../effects/effect.js';
import type { OutcomeQueue } from '../loop/outcome-queue.store.js';
import type { ModeStore } from '../autonomy/mode.store.js';
import { budgetRefusal, type ActionBudget, type HeldBy } from './guardrails.js';
import type { RecentActions } from './recent-actions.store.js';
import type { DecisionDocument, DecisionStatusValue } from './decision.document.js';
import type { DecisionEvents } from './decision-events.js';
import type { DecisionStore } from './decision.store.js';

const HOUR_MS = 3_600_000;

/**
 * Carries out decisions the guardrails let through: the target-set check, then, right before
 * acting, the kill switch and the hour's budget, then the effect. Used by the loop (ON mode)
 * and by approvals, so both paths meet the same checks: an approved action counts against the
 * budget like any other, and none runs once the mode has left ON.
 */
export class DecisionRunner {
  constructor(
    private readonly deps: {
      decisions: DecisionStore;
      effects: EffectRegistry;
      events: DecisionEvents;
      claims: ClaimStore;
      outcomes: OutcomeQueue;
      recentActions: RecentActions;
      mode: Pick<ModeStore, 'get'>;
      budget: ActionBudget;
      clock: Clock;
      outcomeDelayMs: number;
      /** Actions judged by a measure of their own are checked after their own window (loop/action-judges.ts). */
      outcomeDelays?: Partial<Record<string, number>>;
      logger: Logger;
    },
  ) {}

  /**
   * `from` is the status the caller holds the decision in; a decision that moved on is left alone.
   * A decision the mode or the budget holds back keeps waiting (PROPOSED, or APPROVAL_REQUIRED
   * when it was), with `heldBy` and the reason: it can be approved or re-evaluated later.
   */
  async execute(
    decision: DecisionDocument,
    from: readonly DecisionStatusValue[],
    extra: Partial<DecisionDocument> = {},
  ): Promise<DecisionDocument> {
    const { effects, clock, logger } = this.deps;
    const now = new Date(clock.now());
    const id = decision._id.toHexString();
    const fail = (reason: string) =>
      this.finish(decision, from, { ...extra, status: 'FAILED', statusReason: reason, updatedAt: now });

    const effect = effects.get(decision.action);
    if (!effect) return fail(`no effect is available for ${decision.action}`);
    // Stored parameters were validated when decided; validating again keeps this path safe on its own.
    const parameters = validateActionParameters(decision.action, decision.parameters);
    if (!parameters.ok) return fail(`parameters refused: ${parameters.errors.join('; ')}`);
    const refusal = await effect.refuse(parameters.value as ActionParameters<typeof decision.action>);
    if (refusal) return fail(`target set refused: ${refusal}`);
    const held = await this.gate(decision, now);
    if (held) return this.hold(decision, from, held, now);
    try {
      const result = await effect.apply(parameters.value as never, { decisionId: id, now, trigger: decision.trigger });
      logger.info({ decisionId: id, action: decision.action, summary: result.summary }, 'agents: action executed');
      // OFF set while it acted ended the effects in force before this one was recorded: end it too.
      const after = (await this.deps.mode.get()).mode;
      if (after === 'OFF' && effect.revert) {
        const undone = await effect.revert({ decisionId: id, now });
        result.summary = `${result.summary}; the mode was set to OFF meanwhile: ${undone}`.slice(0, 500);
      }
      // Doing nothing is checked too: its outcomes are the expected course actions are judged against.
      const outcomeDueAt = new Date(
        now.getTime() + (this.deps.outcomeDelays?.[decision.action] ?? this.deps.outcomeDelayMs),
      );
      await this.deps.outcomes.add(id, outcomeDueAt);
      return await this.finish(decision, from, {
        ...extra,
        status: 'EXECUTED',
        statusReason: null,
        executedAt: now,
        execution: result,
        outcomeDueAt,
        updatedAt: now,
        heldBy: null,
        executedMode: 'ON',
      });
    } catch (err) {
      // It did not act: the budget it reserved is given back.
      await this.deps.recentActions.remove(id).catch(() => undefined);
      logger.error({ err, decisionId: id, action: decision.action }, 'agents: action failed');
      return fail(`the action failed: ${(err as Error).message}`.slice(0, 500));
    }
  }

  /**
   * The kill switch, read right before acting, then a place in the hour's budget (reserved
   * first and counted after, so two runners at once cannot both take the last place). Null
   * when the decision may act now.
   */
  private async gate(decision: DecisionDocument, now: Date): Promise<{ heldBy: HeldBy; reason: string } | null> {
    const { mode, recentActions, budget } = this.deps;
    const current = (await mode.get()).mode;
    if (current !== 'ON')
      return { heldBy: 'MODE', reason: `the mode was ${current} when it was about to act: nothing done` };
    if (decision.action === 'no_op') return null;
    const id = decision._id.toHexString();
    const slot = { risk: decision.risk, category: decision.category };
    await recentActions.record(id, now, slot);
    const used = await recentActions.usage(new Date(now.getTime() - HOUR_MS), slot, id);
    const refusal = budgetRefusal(budget, used, decision.risk, decision.category);
    if (!refusal) return null;
    await recentActions.remove(id);
    return { heldBy: 'BUDGET', reason: refusal };
  }

  private async hold(
    decision: DecisionDocument,
    from: readonly DecisionStatusValue[],
    { heldBy, reason }: { heldBy: HeldBy; reason: string },
    now: Date,
  ): Promise<DecisionDocument> {
    this.deps.logger.info({ decisionId: decision._id.toHexString(), heldBy, reason }, 'agents: action held back');
    return this.finish(decision, from, {
      status: decision.status === 'APPROVAL_REQUIRED' ? 'APPROVAL_REQUIRED' : 'PROPOSED',
      statusReason: reason,
      heldBy,
      updatedAt: now,
    });
  }

  /** Undoes a reversible decision's effect; returns the decision as ROLLED_BACK. */
  async rollBack(decision: DecisionDocument, why: string): Promise<DecisionDocument | null> {
    const { decisions, effects, clock, events, claims, logger } = this.deps;
    const now = new Date(clock.now());
    const effect = effects.get(decision.action);
    if (!effect?.revert) return null;
    if (!(await claims.claim(`decision:${decision._id.toHexString()}:rollback`, now))) return null;
    const undone = await effect.revert({ decisionId: decision._id.toHexString(), now });
    logger.info({ decisionId: decision._id.toHexString(), undone }, 'agents: action rolled back');
    const rolled = await decisions.transition(decision._id, ['EXECUTED'], {
      status: 'ROLLED_BACK',
      statusReason: `${why}; ${undone}`,
      rolledBackAt: now,
      updatedAt: now,
    });
    if (rolled) await events.changed(rolled);
    return rolled;
  }

  private async finish(
    decision: DecisionDocument,
    from: readonly DecisionStatusValue[],
    set: Partial<DecisionDocument>,
  ): Promise<DecisionDocument> {
    const updated = await this.deps.decisions.transition(decision._id, from, set);
    if (!updated) return (await this.deps.decisions.findById(decision._id)) ?? decision;
    await this.deps.events.changed(updated);
    return updated;
  }
}
