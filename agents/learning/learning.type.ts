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

@ObjectType({
  description:
    'What one action does for one trigger kind, judged against the control arm (firings where nothing was done)',
})
export class ActionLearning {
  @Field(() => String)
  triggerKind!: string;

  @Field(() => String, { description: 'no_op is the control arm' })
  action!: string;

  @Field(() => Float, {
    nullable: true,
    description:
      'Credit per outcome: recoveries the expected course (doing nothing) does not explain; null for the control arm',
  })
  successRate!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Share of outcomes where the metric recovered, whatever caused it',
  })
  recoveryRate!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: "recoveryRate minus the control arm's; null without control samples",
  })
  upliftOverControl!: number | null;

  @Field(() => Int, { description: 'Outcomes judged' })
  samples!: number;

  @Field(() => Int, { description: 'Outcomes of the control arm for this trigger kind' })
  controlSamples!: number;
}

@ObjectType({ description: "How the bandit's picks and the model's picks fared, side by side, per trigger kind" })
export class ChooserLearning {
  @Field(() => String)
  triggerKind!: string;

  @Field(() => String, { description: 'bandit (Thompson sampling) or model' })
  chooser!: string;

  @Field(() => Int)
  outcomes!: number;

  @Field(() => Float, { nullable: true, description: 'Mean credit of the outcomes of its picks' })
  successRate!: number | null;

  @Field(() => Int, { description: "Decisions where the model's pick differed from the bandit's" })
  disagreements!: number;
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

  @Field(() => [ActionLearning], { description: 'Per trigger kind and action: success rate, uplift, samples' })
  actions!: ActionLearning[];

  @Field(() => [ChooserLearning])
  choosers!: ChooserLearning[];
}
