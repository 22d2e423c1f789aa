import type { ActionId, RiskLevel } from '../actions/catalogue.js';
import type { AutonomousModeValue } from '../settings.js';
import type { TriggerCategory } from '../triggers/categories.js';
import type { DecisionStatusValue } from './decision.document.js';

/** Actions allowed per hour: in all, per risk level, and per trigger category. Approved actions count too. */
export interface ActionBudget {
  perHour: number;
  perRisk: Record<RiskLevel, number>;
  perCategory: number;
}

/** Actions executed in the last hour, as the budget counts them for one decision. */
export interface BudgetUse {
  total: number;
  /** Of the decision's risk level. */
  risk: number;
  /** Of the decision's category. */
  category: number;
}

/** Why a decision is waiting rather than executed; it can still be approved or re-evaluated. */
export type HeldBy = 'DRY_RUN' | 'BUDGET' | 'MODE';

export interface GuardrailInput {
  mode: AutonomousModeValue;
  action: ActionId;
  /** The assessed risk (decisions/blast-radius.ts), not the catalogue's. */
  risk: RiskLevel;
  category: TriggerCategory;
  /** The limits the parameters go past; any means approval. */
  limitsExceeded: readonly string[];
  /** Actions a deployment wants approved whatever their risk. */
  approvalActions: readonly ActionId[];
  budget: ActionBudget;
  used: BudgetUse;
}

export interface GuardrailVerdict {
  /** `execute` means go ahead now; otherwise the status the decision is stored with. */
  next: 'execute' | Extract<DecisionStatusValue, 'PROPOSED' | 'APPROVAL_REQUIRED'>;
  reason: string | null;
  heldBy: HeldBy | null;
}

export const needsApproval = (action: ActionId, risk: RiskLevel, approvalActions: readonly ActionId[]) =>
  action !== 'no_op' && (risk === 'HIGH' || approvalActions.includes(action));

/** Null when one more action of this risk and category fits the hour's budget, else why not. */
export function budgetRefusal(
  budget: ActionBudget,
  used: BudgetUse,
  risk: RiskLevel,
  category: TriggerCategory,
): string | null {
  if (used.total >= budget.perHour)
    return `budget: already ${used.total} actions in the last hour (at most ${budget.perHour})`;
  if (used.risk >= budget.perRisk[risk])
    return `budget: already ${used.risk} ${risk}-risk actions in the last hour (at most ${budget.perRisk[risk]})`;
  if (used.category >= budget.perCategory)
    return `budget: already ${used.category} ${category} actions in the last hour (at most ${budget.perCategory})`;
  return null;
}

/**
 * Pure: what happens to a decision now. The kill switch is checked by the loop before any
 * decision exists (OFF decides nothing) and again by the runner right before acting; the
 * target set is checked by the effect itself. A decision held back (DRY_RUN, budget) stays
 * PROPOSED: an admin may approve it, and the loop looks at it again while it is fresh.
 */
export function guardrailVerdict(input: GuardrailInput): GuardrailVerdict {
  const approval = needsApproval(input.action, input.risk, input.approvalActions);
  if (input.mode !== 'ON') {
    const then = approval ? '; it will need an admin' : '';
    const heldBy = input.mode === 'DRY_RUN' ? 'DRY_RUN' : 'MODE';
    return { next: 'PROPOSED', reason: `${input.mode}: proposed only, nothing executed${then}`, heldBy };
  }
  if (input.action === 'no_op') return { next: 'execute', reason: null, heldBy: null };
  if (approval) {
    const reason = input.limitsExceeded.length
      ? `past its limits (${input.limitsExceeded.join('; ')}): waits for an admin`
      : input.risk === 'HIGH'
        ? 'high-risk action: waits for an admin'
        : 'this deployment has this action approved by an admin';
    return { next: 'APPROVAL_REQUIRED', reason, heldBy: null };
  }
  const refusal = budgetRefusal(input.budget, input.used, input.risk, input.category);
  if (refusal) return { next: 'PROPOSED', reason: refusal, heldBy: 'BUDGET' };
  return { next: 'execute', reason: null, heldBy: null };
}
