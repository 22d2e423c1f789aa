import { Field, Float, Int, ObjectType } from 'type-graphql';
import { AutonomousMode } from './autonomous-mode.type.js';
import { AutonomousStatus } from './autonomy.type.js';

@ObjectType({ description: 'One AI provider as the deployment checked it (its models listed; no tokens spent)' })
export class ProviderCheckReport {
  @Field(() => String)
  provider!: string;

  @Field(() => String)
  model!: string;

  @Field(() => Boolean, { description: 'A key is configured; a provider without one is not checked' })
  configured!: boolean;

  @Field(() => Boolean, { nullable: true, description: 'Whether it answered; null when not configured' })
  ok?: boolean | null;

  @Field(() => Int, { nullable: true, description: 'The HTTP status of a failed check' })
  status?: number | null;

  @Field(() => String, { nullable: true })
  error?: string | null;

  @Field(() => Float, { nullable: true })
  latencyMs?: number | null;

  @Field(() => Boolean, { nullable: true })
  modelListed?: boolean | null;
}

@ObjectType({ description: "One trigger's signal at deployment" })
export class TriggerCheckReport {
  @Field(() => String)
  kind!: string;

  @Field(() => String)
  category!: string;

  @Field(() => String)
  metric!: string;

  @Field(() => Float)
  threshold!: number;

  @Field(() => Float, { nullable: true, description: 'The figure now; null when there is none' })
  value?: number | null;

  @Field(() => String, { description: 'OK, BREACHED, or NO_DATA (no figure now)' })
  signal!: string;
}

@ObjectType()
export class RoutineReport {
  @Field(() => String)
  kind!: string;

  @Field(() => String, { description: 'HH:MM UTC' })
  at!: string;
}

@ObjectType({ description: 'What deploying the team did and found' })
export class TeamDeployment {
  @Field(() => AutonomousMode, { description: 'The mode before; it is ON now' })
  previousMode!: AutonomousMode;

  @Field(() => Date)
  deployedAt!: Date;

  @Field(() => String)
  deployedBy!: string;

  @Field(() => [ProviderCheckReport])
  providers!: ProviderCheckReport[];

  @Field(() => [TriggerCheckReport])
  triggers!: TriggerCheckReport[];

  @Field(() => [RoutineReport])
  routines!: RoutineReport[];

  @Field(() => Boolean, {
    description:
      'A provider answered (or none is configured), the database is readable and every trigger has its figure',
  })
  healthy!: boolean;

  @Field(() => [String], { description: 'What needs a look, one line each' })
  findings!: string[];

  @Field(() => AutonomousStatus)
  status!: AutonomousStatus;
}
