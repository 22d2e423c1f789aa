import { Authorized, Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionType } from '../../platform/graphql/pagination.js';
import { OPERATORS } from '../access.js';
import { AutonomousMode } from '../autonomy/autonomous-mode.type.js';
import { AgentMember } from '../team/member.type.js';

export enum DecisionStatus {
  PROPOSED = 'PROPOSED',
  APPROVAL_REQUIRED = 'APPROVAL_REQUIRED',
  EXECUTED = 'EXECUTED',
  REJECTED = 'REJECTED',
  FAILED = 'FAILED',
  ROLLED_BACK = 'ROLLED_BACK',
  EXPIRED = 'EXPIRED',
}
registerEnumType(DecisionStatus, {
  name: 'DecisionStatus',
  description:
    'PROPOSED: decided, not carried out (DRY_RUN, or held back by the budget: it can still be approved); APPROVAL_REQUIRED: waits for an admin; EXPIRED: waited past AGENTS_APPROVAL_TTL_MINUTES',
});

export enum ActionRisk {
  LOW = 'LOW',
  MEDIUM = 'MEDIUM',
  HIGH = 'HIGH',
}
registerEnumType(ActionRisk, {
  name: 'ActionRisk',
  description: "How much an action could harm if it is wrong: HIGH waits for an admin's approval",
});

@ObjectType({ description: 'What fired' })
export class DecisionTrigger {
  @Field(() => ID, { nullable: true })
  firingId?: string | null;

  @Field(() => String)
  kind!: string;

  @Field(() => String)
  category!: string;

  @Field(() => String)
  metric!: string;

  @Field(() => String)
  subject!: string;

  @Field(() => Float)
  value!: number;

  @Field(() => Float)
  threshold!: number;

  @Field(() => Date)
  firedAt!: Date;
}

@ObjectType()
export class MetricValue {
  @Field(() => String)
  name!: string;

  @Field(() => Float)
  value!: number;
}

@ObjectType({
  description:
    'An action that was eligible, with what was learnt about it: its recovery rate (a Thompson draw and the mean) and outcomes',
})
export class DecisionOption {
  @Field(() => String)
  action!: string;

  @Field(() => Float, {
    description:
      "A draw from the Beta posterior of the action's recovery rate (Thompson sampling), kept for comparison: it no longer decides the pick, which is the action likeliest to help compared with doing nothing, or the one whose next outcome would tell the most (see reasoning)",
  })
  score!: number;

  @Field(() => Float, { description: "The mean of the action's recovery-rate posterior" })
  expectedSuccess!: number;

  @Field(() => Int)
  pulls!: number;

  @Field(() => ActionRisk)
  risk!: ActionRisk;

  @Field(() => Boolean)
  chosen!: boolean;
}

@ObjectType()
export class DecisionExecution {
  @Field(() => String)
  summary!: string;

  @Field(() => Boolean)
  success!: boolean;

  @Field(() => Date)
  at!: Date;
}

@ObjectType({ description: 'The observed metric before acting and when the outcome was checked' })
export class DecisionOutcome {
  @Field(() => String)
  metric!: string;

  @Field(() => Float)
  before!: number;

  @Field(() => Float, { nullable: true, description: 'null when the metric was no longer reported' })
  after?: number | null;

  @Field(() => Boolean)
  success!: boolean;

  @Field(() => String)
  note!: string;

  @Field(() => Date)
  evaluatedAt!: Date;
}

@ObjectType({
  description: "One call to an AI provider while deciding (admins: errors may name a provider's internals)",
})
export class ProviderAttempt {
  @Field(() => String)
  provider!: string;

  @Field(() => String)
  model!: string;

  @Field(() => String, { description: 'success, invalid_output, error or skipped' })
  outcome!: string;

  @Field(() => Int)
  retry!: number;

  @Field(() => Int, { nullable: true })
  status?: number | null;

  @Field(() => String, { nullable: true })
  error?: string | null;

  @Field(() => Float)
  latencyMs!: number;

  @Field(() => Float)
  costUsd!: number;
}

@ObjectType({ description: 'A decision of the operations team: why, what, by whom, and how it turned out' })
export class Decision {
  @Field(() => ID)
  id!: string;

  @Field(() => DecisionStatus)
  status!: DecisionStatus;

  @Field(() => String, { nullable: true, description: 'Why it has this status (a guardrail, a refusal, a failure)' })
  statusReason?: string | null;

  @Field(() => String)
  reasoning!: string;

  /** Resolved from memberId by DecisionFieldsResolver. */
  member?: AgentMember;
  memberId!: string;

  @Field(() => String, { nullable: true, description: 'The catalogue action chosen' })
  action?: string | null;

  @Field(() => String, { description: "The action's parameters as JSON text" })
  parameters!: string;

  @Field(() => ActionRisk, { description: 'Assessed from what the action would do with these parameters' })
  risk!: ActionRisk;

  @Field(() => String, {
    nullable: true,
    description: 'What the action would touch: scopes, clients, vehicles, how long',
  })
  blastRadius?: string | null;

  @Field(() => [String], {
    description: "The action's limits these parameters go past; any means an admin must approve",
  })
  limitsExceeded!: string[];

  @Field(() => String, {
    nullable: true,
    description: 'Why a PROPOSED decision waits: DRY_RUN, BUDGET, or MODE (the mode left ON right before it acted)',
  })
  heldBy?: string | null;

  @Field(() => Date, { nullable: true, description: 'A waiting decision expires then' })
  pendingUntil?: Date | null;

  @Field(() => Boolean)
  reversible!: boolean;

  @Field(() => Float)
  confidence!: number;

  @Field(() => DecisionTrigger)
  trigger!: DecisionTrigger;

  @Field(() => String)
  category!: string;

  @Field(() => [MetricValue], { description: 'What was observed when deciding' })
  metrics!: MetricValue[];

  @Field(() => [DecisionOption], { description: 'The options considered, with scores' })
  options!: DecisionOption[];

  @Field(() => String, { description: 'openai, anthropic, gemini, deepseek, grok, or "policy" when no model was used' })
  provider!: string;

  @Field(() => String)
  model!: string;

  @Field(() => Float)
  costUsd!: number;

  @Field(() => Float)
  latencyMs!: number;

  @Field(() => String, { nullable: true, description: 'Why the deterministic policy decided, when it did' })
  fallbackReason?: string | null;

  @Authorized(...OPERATORS)
  @Field(() => [ProviderAttempt], { description: 'Every provider call made for this decision (admins)' })
  providerAttempts!: ProviderAttempt[];

  @Field(() => String, { description: 'The seed of the random draws, to replay the choice' })
  seed!: string;

  @Field(() => AutonomousMode, { description: 'The mode it was decided in' })
  mode!: AutonomousMode;

  @Field(() => AutonomousMode, { nullable: true, description: 'The mode in force when it executed, read right before' })
  executedMode?: AutonomousMode | null;

  @Field(() => DecisionExecution, { nullable: true })
  execution?: DecisionExecution | null;

  @Field(() => DecisionOutcome, { nullable: true })
  outcome?: DecisionOutcome | null;

  @Field(() => Date, { nullable: true, description: 'When the outcome will be checked' })
  outcomeDueAt?: Date | null;

  @Field(() => String, { nullable: true })
  approvedBy?: string | null;

  @Field(() => Date, { nullable: true })
  approvedAt?: Date | null;

  @Field(() => String, { nullable: true })
  rejectedBy?: string | null;

  @Field(() => String, { nullable: true })
  rejectionReason?: string | null;

  @Field(() => Date, { nullable: true })
  rolledBackAt?: Date | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;
}

export const DecisionConnection = ConnectionType(Decision);

@InputType({ description: 'Every field narrows the list; leave one out to not filter on it' })
export class DecisionFilter {
  @Field(() => ID, { nullable: true, description: 'A team member id, e.g. lead-developer' })
  memberId?: string;

  @Field(() => DecisionStatus, { nullable: true })
  status?: DecisionStatus;

  @Field(() => String, { nullable: true, description: 'performance, errors, security, business or time' })
  category?: string;

  @Field(() => Date, { nullable: true, description: 'Decided at or after' })
  from?: Date;

  @Field(() => Date, { nullable: true, description: 'Decided before' })
  to?: Date;
}
