import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { requireUser, type SubgraphContext } from '../../platform/subgraph/context.js';
import { OPERATORS, READERS } from '../access.js';
import { AutonomousMode } from './autonomous-mode.type.js';
import { AutonomousStatus } from './autonomy.type.js';
import type { StatusService } from './status.service.js';

@Resolver()
export class AutonomousStatusResolver {
  constructor(private readonly status: StatusService) {}

  @Authorized(...READERS)
  @Query(() => AutonomousStatus, {
    description: 'Whether the loop runs, who leads it, its last and next tick and its mode (staff)',
  })
  autonomousStatus(): Promise<AutonomousStatus> {
    return this.status.status();
  }

  @Authorized(...OPERATORS)
  @Mutation(() => AutonomousStatus, {
    description: 'The kill switch: OFF stops all evaluation and action, DRY_RUN only proposes (admins)',
  })
  setAutonomousMode(
    @Arg('mode', () => AutonomousMode) mode: AutonomousMode,
    @Ctx() ctx: SubgraphContext,
  ): Promise<AutonomousStatus> {
    return this.status.setMode(mode, requireUser(ctx).userId);
  }
}
