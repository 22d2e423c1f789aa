import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { PageArgs } from '../../../platform/graphql/pagination.js';
import { requireUser } from '../../../platform/subgraph/context.js';
import { toCentre } from '../centres/centre.store.js';
import { ServiceCentre } from '../centres/centre.type.js';
import type { MarketplaceContext } from '../context.js';
import { toApplication } from './application.store.js';
import {
  PartnerApplication,
  PartnerApplicationConnection,
  PartnerApplicationInput,
  PartnerApplicationStatus,
} from './application.type.js';
import type { PartnerService } from './partner.service.js';

const originOf = (ctx: MarketplaceContext) => ({ requestId: ctx.requestId, ip: ctx.clientIp });

@Resolver(() => PartnerApplication)
export class PartnerResolver {
  constructor(private readonly partners: PartnerService) {}

  @Authorized()
  @Mutation(() => PartnerApplication, {
    description: 'A signed-in user asks to list a service centre; an admin decides. One open application at a time',
  })
  async applyAsPartner(
    @Arg('input', () => PartnerApplicationInput) input: PartnerApplicationInput,
    @Ctx() ctx: MarketplaceContext,
  ) {
    return toApplication(await this.partners.apply(requireUser(ctx), input, originOf(ctx)));
  }

  @Authorized('ADMIN')
  @Mutation(() => ServiceCentre, {
    description: 'Admins: creates the centre (the applicant its owner) and grants the applicant the PARTNER role',
  })
  async approvePartnerApplication(@Arg('id', () => ID) id: string, @Ctx() ctx: MarketplaceContext) {
    return toCentre(await this.partners.approve(requireUser(ctx), id, originOf(ctx)));
  }

  @Authorized('ADMIN')
  @Mutation(() => PartnerApplication, { description: 'Admins: refuses a pending application, with a reason' })
  async rejectPartnerApplication(
    @Arg('id', () => ID) id: string,
    @Arg('reason', () => String) reason: string,
    @Ctx() ctx: MarketplaceContext,
  ) {
    return toApplication(await this.partners.reject(requireUser(ctx), id, reason, originOf(ctx)));
  }

  @Authorized()
  @Query(() => PartnerApplicationConnection, { description: "The caller's partner applications, newest first" })
  myPartnerApplications(@Args(() => PageArgs) page: PageArgs, @Ctx() ctx: MarketplaceContext) {
    return this.partners.mine(requireUser(ctx), page);
  }

  @Authorized('ADMIN', 'STAFF')
  @Query(() => PartnerApplicationConnection, { description: 'Partner applications, newest first (admins and staff)' })
  partnerApplications(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('status', () => PartnerApplicationStatus, { nullable: true }) status: PartnerApplicationStatus | null,
  ) {
    return this.partners.list(status ?? null, page);
  }

  @FieldResolver(() => ServiceCentre, { nullable: true, description: 'The centre its approval created' })
  async centre(@Root() application: PartnerApplication, @Ctx() ctx: MarketplaceContext) {
    if (!application.centre) return null;
    const doc = await ctx.loaders.byId.load(application.centre.id);
    return doc ? toCentre(doc) : null;
  }
}
