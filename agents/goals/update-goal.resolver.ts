import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { requireUser, type SubgraphContext } from '../../platform/subgraph/context.js';
import { OPERATORS } from '../access.js';
import type { GoalService } from './goal.service.js';
import { Goal, UpdateGoalInput } from './goal.type.js';

@Resolver()
export class UpdateGoalResolver {
  constructor(private readonly goals: GoalService) {}

  @Authorized(...OPERATORS)
  @Mutation(() => Goal, {
    description: 'Sets a target, a deadline, or the current value of a goal no metric feeds (admins, audited)',
  })
  updateGoal(@Arg('input', () => UpdateGoalInput) input: UpdateGoalInput, @Ctx() ctx: SubgraphContext): Promise<Goal> {
    return this.goals.update({ ...input }, requireUser(ctx).userId);
  }
}
