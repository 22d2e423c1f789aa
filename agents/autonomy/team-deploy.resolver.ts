import { Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { requireUser, type SubgraphContext } from '../../platform/subgraph/context.js';
import { OPERATORS } from '../access.js';
import type { TeamDeployer } from './team-deploy.js';
import { TeamDeployment } from './team-deploy.type.js';

@Resolver()
export class TeamDeployResolver {
  constructor(private readonly deployer: TeamDeployer) {}

  @Authorized(...OPERATORS)
  @Mutation(() => TeamDeployment, {
    description:
      'Starts or resumes the team (admins): mode ON, every AI provider and trigger checked, the loop woken; reports what it found',
  })
  deployTeam(@Ctx() ctx: SubgraphContext): Promise<TeamDeployment> {
    return this.deployer.deploy(requireUser(ctx).userId) as Promise<TeamDeployment>;
  }
}
