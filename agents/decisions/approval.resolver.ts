import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { requireUser, type SubgraphContext } from '../../platform/subgraph/context.js';
import { OPERATORS } from '../access.js';
import type { ApprovalService } from './approval.service.js';
import { Decision } from './decision.type.js';

@Authorized(...OPERATORS)
@Resolver()
export class ApprovalResolver {
  constructor(private readonly approvals: ApprovalService) {}

  @Mutation(() => Decision, { description: 'Runs a decision that waits for approval (admins; only in ON mode)' })
  approveDecision(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext): Promise<Decision> {
    return this.approvals.approve(id, requireUser(ctx).userId);
  }

  @Mutation(() => Decision, { description: 'Turns down a proposed or waiting decision (admins)' })
  rejectDecision(
    @Arg('id', () => ID) id: string,
    @Arg('reason', () => String, { nullable: true }) reason: string | undefined,
    @Ctx() ctx: SubgraphContext,
  ): Promise<Decision> {
    return this.approvals.reject(id, requireUser(ctx).userId, reason);
  }
}
