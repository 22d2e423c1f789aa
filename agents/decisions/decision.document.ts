import type { ObjectId } from 'mongodb';
import type { ActionId, RiskLevel } from '../actions/catalogue.js';
import type { Attempt } from '../providers/types.js';
import type { AutonomousModeValue } from '../settings.js';
import type { TriggerCategory, TriggerKind } from '../triggers/categories.js';
import type { HeldBy } from './guardrails.js';

export const DECISION_STATUSES = [
  'PROPOSED',
  'APPROVAL_REQUIRED',
  'EXECUTED',
  'REJECTED',
  'FAILED',
  'ROLLED_BACK',
  /** Waited for approval (or was held back) past AGENTS_APPROVAL_TTL_MINUTES. */
  'EXPIRED',
] as const;
export type DecisionStatusValue = (typeof DECISION_STATUSES)[number];

export interface DecisionTrigger {
  firingId: string | null;
  kind: TriggerKind;
  category: TriggerCategory;
  metric: string;
  subject: string;
  value: number;
  threshold: number;
  firedAt: Date;
}

export interface DecisionOptionRecord {
  action: ActionId;
  /** A Thompson draw of the action's recovery rate: recorded for comparison, it no longer decides the pick. */
  score: number;
  expectedSuccess: number;
  pulls: number;
  risk: RiskLevel;
  chosen: boolean;
}

/** Who picked what: the bandit's and the model's choices side by side, and whether this was a control. */
export interface DecisionChoiceRecord {
  bandit: ActionId | null;
  /** Null when no model answered (the bandit's pick then stands). */
  model: ActionId | null;
  /** A no-op control: nothing was done on purpose. */
  control: boolean;
}

export interface DecisionOutcomeRecord {
  metric: string;
  before: number;
  /** null when the metric is no longer reported (no traffic, say). */
  after: number | null;
  success: boolean;
  /** How the outcome was judged against the counterfactual (absent on older outcomes). */
  verdict?: string;
  credit?: number | null;
  expectedRecovery?: number;
  note: string;
  evaluatedAt: Date;
}

export interface DecisionDocument {
  _id: ObjectId;
  trigger: DecisionTrigger;
  category: TriggerCategory;
  metrics: Array<{ name: string; value: number }>;
  options: DecisionOptionRecord[];
  /** Absent on decisions made before choices were recorded. */
  choice?: DecisionChoiceRecord;
  action: ActionId;
  parameters: Record<string, unknown>;
  risk: RiskLevel;
  reversible: boolean;
  reasoning: string;
  confidence: number;
  memberId: string;
  provider: string;
  model: string;
  costUsd: number;
  latencyMs: number;
  attempts: Attempt[];
  fallbackReason: string | null;
  /** The seed of the generator Thompson sampling drew from: the choice can be replayed. */
  seed: string;
  mode: AutonomousModeValue;
  status: DecisionStatusValue;
  statusReason: string | null;
  createdAt: Date;
  updatedAt: Date;
  executedAt: Date | null;
  /**
   * `reachedVehicleIds`: the vehicles whose owners a notification reached, and `reachedOwners`
   * who they were (notify_critical_owners).
   */
  execution: {
    summary: string;
    success: boolean;
    reachedVehicleIds?: string[];
    reachedOwners?: Array<{ vehicleId: string; userId: string }>;
  } | null;
  approvedBy: string | null;
  approvedAt: Date | null;
  rejectedBy: string | null;
  rejectionReason: string | null;
  outcomeDueAt: Date | null;
  outcome: DecisionOutcomeRecord | null;
  rolledBackAt: Date | null;
  /** What the action would touch, from its parameters (decisions/blast-radius.ts). */
  blastRadius?: string | null;
  /** The action's limits its parameters go past: any means an admin must approve. */
  limitsExceeded?: string[];
  /** Why a PROPOSED decision waits (DRY_RUN, the budget, the mode at execution); it may still be approved or re-evaluated. */
  heldBy?: HeldBy | null;
  /** A waiting decision (held or APPROVAL_REQUIRED) expires then. */
  pendingUntil?: Date | null;
  /** The mode in force when it executed, read right before acting. */
  executedMode?: AutonomousModeValue | null;
}

/** What every decision holds when it is made: PROPOSED, nobody's verdict yet, not executed, no outcome. */
export function proposedState(at: Date) {
  return {
    status: 'PROPOSED',
    statusReason: null,
    createdAt: at,
    updatedAt: at,
    executedAt: null,
    execution: null,
    approvedBy: null,
    approvedAt: null,
    rejectedBy: null,
    rejectionReason: null,
    outcomeDueAt: null,
    outcome: null,
    rolledBackAt: null,
  } satisfies Partial<DecisionDocument>;
}
