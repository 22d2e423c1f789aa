import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { Decision } from '../decisions/decision.type.js';
import { AutonomousMode } from './autonomous-mode.type.js';

@ObjectType({
  description: 'A temporary change an action made, in force until it expires, is rolled back or an admin ends it',
})
export class ActiveEffect {
  @Field(() => ID, { description: 'What endEffect takes' })
  id!: string;

  @Field(() => ID)
  decisionId!: string;

  @Field(() => String)
  action!: string;

  @Field(() => String, { description: 'rate_limit, log_level or client_block' })
  kind!: string;

  @Field(() => String, { description: 'The rate-limit scope, the service, or the blocked client as <kind>:<id>' })
  target!: string;

  @Field(() => String, { description: 'The limit factor, the log level, or "blocked"' })
  value!: string;

  @Field(() => Date)
  appliedAt!: Date;

  @Field(() => Date)
  expiresAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When it ended; null while in force' })
  endedAt?: Date | null;

  @Field(() => String, {
    nullable: true,
    description: 'expired, rollback, superseded, ended (by an admin) or kill_switch (the mode was set to OFF)',
  })
  endReason?: string | null;

  @Field(() => ID, { nullable: true, description: 'The admin who ended it' })
  endedBy?: string | null;
}

@ObjectType({ description: 'One AI provider as this instance sees it' })
export class ProviderStatus {
  @Field(() => String)
  provider!: string;

  @Field(() => String)
  model!: string;

  @Field(() => String)
  baseURL!: string;

  @Field(() => Boolean, { description: 'A key is configured' })
  available!: boolean;

  @Field(() => String, { nullable: true, description: 'closed, open or half_open' })
  circuit?: string | null;

  @Field(() => Float, { nullable: true })
  budgetRemainingUsd?: number | null;

  @Field(() => Int)
  calls!: number;

  @Field(() => Int)
  failures!: number;

  @Field(() => Float)
  totalCostUsd!: number;

  @Field(() => Float, { nullable: true })
  p95LatencyMs?: number | null;

  @Field(() => Int, { description: 'Answers rejected as invalid (the next provider was asked)' })
  invalidOutputs!: number;

  @Field(() => Boolean, {
    description: 'Asked ahead of unhealthy providers: a key, a closed circuit and no failed check',
  })
  healthy!: boolean;

  @Field(() => Date, {
    nullable: true,
    description: 'The last check (at start-up, then every AGENTS_PROVIDER_CHECK_SECONDS)',
  })
  lastCheckedAt?: Date | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether the last check passed; null before the first' })
  lastCheckOk?: boolean | null;

  @Field(() => String, { nullable: true, description: 'Why the last check failed' })
  lastCheckError?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether the configured model was among those listed' })
  modelListed?: boolean | null;
}

@ObjectType()
export class AutonomousStatus {
  @Field(() => AutonomousMode)
  mode!: AutonomousMode;

  @Field(() => Boolean, { description: 'The mode is not OFF and a leader holds a live lease' })
  running!: boolean;

  @Field(() => String, { nullable: true, description: 'The instance that holds the lease' })
  leaderId?: string | null;

  @Field(() => Date, { nullable: true })
  leaseExpiresAt?: Date | null;

  @Field(() => String, { description: 'The instance answering' })
  instanceId!: string;

  @Field(() => Boolean, { description: 'Whether the instance answering leads' })
  isLeader!: boolean;

  @Field(() => Date, { nullable: true })
  lastTickAt?: Date | null;

  @Field(() => Float, { nullable: true })
  lastTickDurationMs?: number | null;

  @Field(() => String, { nullable: true, description: 'interval, wake:<event> or manual' })
  lastTickReason?: string | null;

  @Field(() => Date, { nullable: true })
  nextTickAt?: Date | null;

  @Field(() => Int)
  intervalSeconds!: number;

  @Field(() => Date, { nullable: true })
  modeChangedAt?: Date | null;

  @Field(() => String, { nullable: true, description: 'The admin who last set the mode' })
  modeChangedBy?: string | null;

  @Field(() => Int)
  actionsInLastHour!: number;

  @Field(() => Int)
  maxActionsPerHour!: number;

  @Field(() => Int)
  pendingApprovals!: number;

  @Field(() => [ActiveEffect])
  activeEffects!: ActiveEffect[];

  @Field(() => String, { description: "This instance's log level" })
  logLevel!: string;

  @Field(() => [ProviderStatus])
  providers!: ProviderStatus[];
}

@ObjectType({ description: 'One tick of the loop, run on demand' })
export class TickReport {
  @Field(() => Date)
  startedAt!: Date;

  @Field(() => Float)
  durationMs!: number;

  @Field(() => AutonomousMode)
  mode!: AutonomousMode;

  @Field(() => Boolean, { description: 'True in OFF: only housekeeping ran' })
  skipped!: boolean;

  @Field(() => Int)
  firings!: number;

  @Field(() => Int, { description: 'Breaches held back by a cooldown or hysteresis' })
  suppressed!: number;

  @Field(() => [Decision])
  decisions!: Decision[];

  @Field(() => Int)
  outcomesEvaluated!: number;

  @Field(() => Int)
  rolledBack!: number;

  @Field(() => Int)
  effectsExpired!: number;

  @Field(() => Int, { description: 'Decisions that waited past AGENTS_APPROVAL_TTL_MINUTES' })
  decisionsExpired!: number;

  @Field(() => Boolean, { description: 'The mode was set to OFF during the tick, which stopped' })
  interrupted!: boolean;
}

@ObjectType()
export class CountByKey {
  @Field(() => String)
  key!: string;

  @Field(() => Int)
  count!: number;
}

@ObjectType({ description: "The team's record in figures" })
export class AgentMetrics {
  @Field(() => Int)
  decisions!: number;

  @Field(() => [CountByKey])
  byStatus!: CountByKey[];

  @Field(() => [CountByKey])
  byCategory!: CountByKey[];

  @Field(() => Int)
  outcomesEvaluated!: number;

  @Field(() => Int)
  successes!: number;

  @Field(() => Float, { nullable: true })
  successRate?: number | null;

  @Field(() => Int)
  triggerFirings!: number;

  @Field(() => Float)
  aiCostUsd!: number;

  @Field(() => [ProviderStatus])
  providers!: ProviderStatus[];
}
