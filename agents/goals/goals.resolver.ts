import { Arg, Authorized, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { READERS } from '../access.js';
import type { GoalChangeStore } from './goal-change.store.js';
import type { GoalService } from './goal.service.js';
import { Goal, GoalChange } from './goal.type.js';

@Resolver(() => Goal)
export class GoalsResolver {
  constructor(
    private readonly service: GoalService,
    private readonly audit: GoalChangeStore,
  ) {}

  @Authorized(...READERS)
  @Query(() => [Goal], { description: 'The business objectives and service levels, with live figures (staff)' })
  goals(): Promise<Goal[]> {
    return this.service.list();
  }

  @Authorized(...READERS)
  @Query(() => Goal, { nullable: true })
  goal(@Arg('id', () => ID) id: string): Promise<Goal | null> {
    return this.service.get(id);
  }

  @Authorized(...READERS)
  @FieldResolver(() => [GoalChange], { description: "Admins' changes to this goal, newest first (the latest 50)" })
  changes(@Root() goal: Goal): Promise<GoalChange[]> {
    return this.audit.forGoal(goal.id);
  }
}
