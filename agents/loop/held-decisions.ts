import type { Logger } from '../../platform/logger.js';
import type { ActionId } from '../actions/catalogue.js';
import type { ModeStore } from '../autonomy/mode.store.js';
import type { DecisionDocument } from '../decisions/decision.document.js';
import type { DecisionEvents } from '../decisions/decision-events.js';
import type { DecisionRunner } from '../decisions/decision-runner.js';
import type { DecisionStore } from '../decisions/decision.store.js';
import { guardrailVerdict, type ActionBudget } from '../decisions/guardrails.js';
import type { RecentActions } from '../decisions/recent-actions.store.js';

const HOUR_MS = 3_600_000;
/** Per tick: a backlog is worked through over several ticks rather than in one long one. */
const BATCH = 20;

export interface HeldDecisionDeps {
  decisions: DecisionStore;
  runner: DecisionRunner;
  events: DecisionEvents;
  recentActions: RecentActions;
  mode: Pick<ModeStore, 'get'>;
  logger: Logger;
  approvalActions: readonly ActionId[];
  budget: ActionBudget;
}

/**
 * Waiting decisions (APPROVAL_REQUIRED, or held back) past their time become EXPIRED. Each
 * expiry is announced on the decisions' live topic (agentDecisions) and logged at warn, so the
 * admins who did not answer hear that it lapsed. Runs in every mode: OFF included.
 */
export async function expirePending(deps: HeldDecisionDeps, now: Date): Promise<number> {
  let expired = 0;
  for (const waiting of await deps.decisions.pastPending(now, BATCH * 5)) {
    const done = await deps.decisions.transition(waiting._id, ['APPROVAL_REQUIRED', 'PROPOSED'], {
      status: 'EXPIRED',
      statusReason: `${waiting.status === 'APPROVAL_REQUIRED' ? 'no admin approved it' : 'it was never carried out'} before ${waiting.pendingUntil?.toISOString()}`,
      heldBy: null,
      updatedAt: now,
    });
    if (!done) continue;
    expired++;
    await deps.events.changed(done);
    deps.logger.warn(
      { decisionId: done._id.toHexString(), action: done.action, was: waiting.status },
      'agents: a waiting decision expired',
    );
  }
  return expired;
}

/**
 * Held decisions (DRY_RUN, budget, or a mode change right before acting) are judged again while
 * they are fresh and what fired them still holds: executed when the mode and the budget now
 * allow, sent for approval when they need it, left waiting otherwise.
 */
export async function reconsiderHeld(
  deps: HeldDecisionDeps,
  stillFiring: (decision: DecisionDocument) => boolean,
  now: Date,
): Promise<DecisionDocument[]> {
  const moved: DecisionDocument[] = [];
  for (const held of await deps.decisions.held(now, BATCH)) {
    const { mode } = await deps.mode.get();
    if (mode !== 'ON') break;
    if (!stillFiring(held)) continue;
    const id = held._id.toHexString();
    const used = await deps.recentActions.usage(
      new Date(now.getTime() - HOUR_MS),
      { risk: held.risk, category: held.category },
      id,
    );
    const verdict = guardrailVerdict({
      mode,
      action: held.action,
      risk: held.risk,
      category: held.category,
      limitsExceeded: held.limitsExceeded ?? [],
      approvalActions: deps.approvalActions,
      budget: deps.budget,
      used,
    });
    if (verdict.next === 'execute') {
      moved.push(await deps.runner.execute(held, ['PROPOSED']));
      continue;
    }
    if (verdict.next === 'PROPOSED' && verdict.heldBy === held.heldBy) continue;
    const updated = await deps.decisions.transition(held._id, ['PROPOSED'], {
      status: verdict.next,
      statusReason: verdict.reason,
      heldBy: verdict.heldBy,
      updatedAt: now,
    });
    if (!updated) continue;
    await deps.events.changed(updated);
    moved.push(updated);
  }
  if (moved.length) deps.logger.info({ decisions: moved.length }, 'agents tick: held decisions reconsidered');
  return moved;
}
