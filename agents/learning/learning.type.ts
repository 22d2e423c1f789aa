import { Field, Float, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'The Beta posterior of one action for one trigger kind' })
export class LearningArm {
  @Field(() => String)
  triggerKind!: string;

  @Field(() => String)
  action!: string;

  @Field(() => Float)
  alpha!: number;

  @Field(() => Float)
  beta!: number;

  @Field(() => Float, { description: 'alpha / (alpha + beta)' })
  expectedSuccess!: number;

  @Field(() => Int, { description: 'Outcomes observed' })
  pulls!: number;

  @Field(() => Date, { nullable: true })
  updatedAt?: Date | null;
}

@ObjectType({ description: 'What works best for one trigger kind so far' })
export class TriggerLearning {
  @Field(() => String)
  triggerKind!: string;

  @Field(() => String)
  bestAction!: string;

  @Field(() => Float)
  expectedSuccess!: number;

  @Field(() => Int)
  pulls!: number;

  @Field(() => Int, { description: 'Outcomes across every action for this trigger kind' })
  totalPulls!: number;
}

@ObjectType()
export class LearningState {
  @Field(() => Int, { description: 'The seed Thompson sampling starts from (AGENTS_SEED)' })
  seed!: number;

  @Field(() => Float)
  priorAlpha!: number;

  @Field(() => Float)
  priorBeta!: number;

  @Field(() => [LearningArm])
  arms!: LearningArm[];

  @Field(() => [TriggerLearning])
  bestActions!: TriggerLearning[];
}
