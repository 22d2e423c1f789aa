import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { requireUser } from '../../../platform/subgraph/context.js';
import type { MarketplaceContext } from '../context.js';
import type { CentreService } from './centre.service.js';
import { toCentre } from './centre.store.js';
import { ServiceCentre, UpdateServiceCentreInput } from './centre.type.js';

const originOf = (ctx: MarketplaceContext) => ({ requestId: ctx.requestId, ip: ctx.clientIp });

@Resolver(() => ServiceCentre)
export class CentreMutationResolver {
  constructor(private readonly centres: CentreService) {}

  @Authorized()
  @Mutation(() => ServiceCentre, {
    description: "A member's edit of the centre (services, prices, hours, closures, bays...), audited",
  })
  async updateServiceCentre(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateServiceCentreInput) input: UpdateServiceCentreInput,
    @Ctx() ctx: MarketplaceContext,
  ) {
    return toCentre(await this.centres.update(requireUser(ctx), id, input, originOf(ctx)));
  }

  @Authorized()
  @Mutation(() => ServiceCentre, {
    description: 'The owner adds a member of staff by the email of their account (they become a PARTNER)',
  })
  async addCentreStaff(
    @Arg('centreId', () => ID) centreId: string,
    @Arg('email', () => String) email: string,
    @Ctx() ctx: MarketplaceContext,
  ) {
    return toCentre(await this.centres.addStaff(requireUser(ctx), centreId, email, originOf(ctx)));
  }

  @Authorized()
  @Mutation(() => ServiceCentre, { description: 'The owner removes a member of staff' })
  async removeCentreStaff(
    @Arg('centreId', () => ID) centreId: string,
    @Arg('userId', () => ID) userId: string,
    @Ctx() ctx: MarketplaceContext,
  ) {
    return toCentre(await this.centres.removeStaff(requireUser(ctx), centreId, userId, originOf(ctx)));
  }
}
