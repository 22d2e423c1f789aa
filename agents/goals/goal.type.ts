import { Field, Float, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';

export enum GoalTrend {
  UP = 'UP',
  DOWN = 'DOWN',
  FLAT = 'FLAT',
}
registerEnumType(GoalTrend, { name: 'GoalTrend', description: 'Direction of the value since the oldest kept sample' });

export enum GoalSource {
  MANUAL = 'MANUAL',
  IDENTITY = 'IDENTITY',
  GATEWAY = 'GATEWAY',
  VEHICLES = 'VEHICLES',
  HEALTH = 'HEALTH',
  PAYMENTS = 'PAYMENTS',
}
registerEnumType(GoalSource, {
  name: 'GoalSource',
  description:
    'Where the current value comes from: the service that has the data, or MANUAL (an admin sets it; nothing in the system measures it yet)',
});

export enum GoalDirection {
  AT_LEAST = 'AT_LEAST',
  AT_MOST = 'AT_MOST',
}
registerEnumType(GoalDirection, {
  name: 'GoalDirection',
  description: 'Whether the value should reach the target or stay under it',
});

@ObjectType()
export class GoalSample {
  @Field(() => Date)
  at!: Date;

  @Field(() => Float)
  value!: number;
}

@ObjectType({ description: 'A change an admin made to a goal' })
export class GoalChange {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'current, target or dueAt' })
  field!: string;

  @Field(() => String, { nullable: true })
  from?: string | null;

  @Field(() => String, { nullable: true })
  to?: string | null;

  @Field(() => String)
  actorId!: string;

  @Field(() => String, { nullable: true })
  reason?: string | null;

  @Field(() => Date)
  at!: Date;
}

@ObjectType({ description: 'A business objective or service level the team works towards' })
export class Goal {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'business, innovation, strategic, service_level or operations' })
  category!: string;

  @Field(() => Float)
  current!: number;

  @Field(() => Float)
  target!: number;

  @Field(() => String)
  unit!: string;

  @Field(() => Float, { description: '0 to 1: how close the current value is to the target' })
  progress!: number;

  @Field(() => GoalTrend)
  trend!: GoalTrend;

  @Field(() => GoalSource)
  source!: GoalSource;

  @Field(() => GoalDirection)
  direction!: GoalDirection;

  @Field(() => Float, { description: 'The value when the goal was set' })
  startValue!: number;

  @Field(() => Float, { nullable: true, description: 'Where the goal should be by now, for goals with a deadline' })
  expected?: number | null;

  @Field(() => Boolean, { description: 'False when behind the expected path, or a service level is breached' })
  onTrack!: boolean;

  @Field(() => Date, { nullable: true })
  dueAt?: Date | null;

  @Field(() => Date)
  updatedAt!: Date;

  @Field(() => [GoalSample], { description: 'Recent values, oldest first' })
  history!: GoalSample[];
}

@InputType({ description: 'Admins set targets, deadlines, and the current value of goals no live metric feeds' })
export class UpdateGoalInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Float, { nullable: true })
  current?: number;

  @Field(() => Float, { nullable: true })
  target?: number;

  @Field(() => Date, { nullable: true })
  dueAt?: Date;

  @Field(() => String, { description: 'Why, for the audit trail (3 to 500 characters)' })
  reason!: string;
}
