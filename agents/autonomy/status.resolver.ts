import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { requireUser, type SubgraphContext } from '../../platform/subgraph/context.js';
import { OPERATORS, READERS } from '../access.js';
import { AutonomousMode } from './autonomous-mode.type.js';
import { ActiveEffect, AutonomousStatus } from './autonomy.type.js';
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
    description:
      'The kill switch: OFF stops all evaluation and action at once (a running tick stops) and ends the effects in force; DRY_RUN only proposes (admins)',
  })
  setAutonomousMode(
    @Arg('mode', () => AutonomousMode) mode: AutonomousMode,
    @Ctx() ctx: SubgraphContext,
  ): Promise<AutonomousStatus> {
    return this.status.setMode(mode, requireUser(ctx).userId);
  }

  @Authorized(...READERS)
  @Query(() => [ActiveEffect], { description: 'Every change the team has in force, newest first (staff)' })
  activeEffects(): Promise<ActiveEffect[]> {
    return this.status.activeEffects();
  }

  @Authorized(...OPERATORS)
  @Mutation(() => ActiveEffect, { description: 'Ends one effect in force at once (admins)' })
  endEffect(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext): Promise<ActiveEffect> {
    return this.status.endEffect(id, requireUser(ctx).userId);
  }
}
