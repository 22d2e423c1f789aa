import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum AgentStatus {
  ACTIVE = 'ACTIVE',
  IDLE = 'IDLE',
  PAUSED = 'PAUSED',
}
registerEnumType(AgentStatus, {
  name: 'AgentStatus',
  description: 'ACTIVE: decided within the last hour; IDLE: not lately; PAUSED: the autonomous mode is OFF',
});

@ObjectType({ description: 'A member of the autonomous operations team' })
export class AgentMember {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  role!: string;

  @Field(() => [String])
  responsibilities!: string[];

  @Field(() => [String], { description: 'Trigger categories this member answers' })
  triggerCategories!: string[];

  @Field(() => AgentStatus)
  status!: AgentStatus;

  @Field(() => Int)
  decisionsMade!: number;

  @Field(() => Int, { description: 'Decisions whose outcome has been checked' })
  outcomesEvaluated!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Successful outcomes / evaluated outcomes; null before the first',
  })
  successRate?: number | null;

  @Field(() => Date, { nullable: true })
  lastDecisionAt?: Date | null;
}
