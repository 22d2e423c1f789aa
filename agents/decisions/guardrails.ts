import type { ActionId, RiskLevel } from '../actions/catalogue.js';
import type { AutonomousModeValue } from '../settings.js';
import type { DecisionStatusValue } from './decision.document.js';

export interface GuardrailInput {
  mode: AutonomousModeValue;
  action: ActionId;
  risk: RiskLevel;
  /** Actions a deployment wants approved whatever their risk. */
  approvalActions: readonly ActionId[];
  actionsInLastHour: number;
  maxActionsPerHour: number;
}

export interface GuardrailVerdict {
  /** `execute` means go ahead now; otherwise the status the decision is stored with. */
  next: 'execute' | Extract<DecisionStatusValue, 'PROPOSED' | 'APPROVAL_REQUIRED'>;
  reason: string | null;
}

export const needsApproval = (action: ActionId, risk: RiskLevel, approvalActions: readonly ActionId[]) =>
  action !== 'no_op' && (risk === 'HIGH' || approvalActions.includes(action));

/**
 * Pure: what happens to a fresh decision. The kill switch is checked by the loop before any
 * decision exists (OFF decides nothing); the target set is checked by the effect itself.
 */
export function guardrailVerdict(input: GuardrailInput): GuardrailVerdict {
  if (input.mode !== 'ON') return { next: 'PROPOSED', reason: `${input.mode}: proposed only, nothing executed` };
  if (input.action === 'no_op') return { next: 'execute', reason: null };
  if (needsApproval(input.action, input.risk, input.approvalActions)) {
    return {
      next: 'APPROVAL_REQUIRED',
      reason:
        input.risk === 'HIGH'
          ? 'high-risk action: waits for an admin'
          : 'this deployment has this action approved by an admin',
    };
  }
  if (input.actionsInLastHour >= input.maxActionsPerHour) {
    return {
      next: 'PROPOSED',
      reason: `guardrail: already ${input.actionsInLastHour} actions in the last hour (at most ${input.maxActionsPerHour})`,
    };
  }
  return { next: 'execute', reason: null };
}
