import {
  Arg,
  Args,
  Authorized,
  Ctx,
  FieldResolver,
  ID,
  Mutation,
  Query,
  Resolver,
  Root,
  Subscription,
} from 'type-graphql';
import { ForbiddenError } from '../../../platform/errors.js';
import { mapNodes, PageArgs } from '../../../platform/graphql/pagination.js';
import { requireUser } from '../../../platform/subgraph/context.js';
import { GeoPoint, ServiceCentre } from '../centres/centre.type.js';
import { toCentre } from '../centres/centre.store.js';
import type { MarketplaceContext } from '../context.js';
import { parseId } from '../ids.js';
import { currentThenLive } from './roadside-live.js';
import { toView, type RoadsideView } from './roadside-events.js';
import type { RoadsideStatusName } from './roadside-state.js';
import type { RoadsideService } from './roadside.service.js';
import type { RoadsideStore } from './roadside.store.js';
import {
  RoadsideChargeInput,
  RoadsideInput,
  RoadsideOffer,
  RoadsideRequest,
  RoadsideRequestConnection,
  RoadsideResponder,
  RoadsideStatus,
  toRoadsideOffer,
  toRoadsideRequest,
} from './roadside.type.js';
import { centreTopic, requestTopic } from './roadside-events.js';

async function centreOf(ctx: MarketplaceContext, id: string): Promise<ServiceCentre> {
  const doc = await ctx.loaders.byId.load(id);
  if (!doc) throw new ForbiddenError('The service centre is gone');
  return toCentre(doc);
}

function live(ctx: MarketplaceContext) {
  if (!ctx.roadsideLive) throw new Error('roadside subscriptions need the live roadside context');
  return ctx.roadsideLive;
}

@Resolver(() => RoadsideRequest)
export class RoadsideResolver {
  constructor(
    private readonly roadside: RoadsideService,
    private readonly store: RoadsideStore,
  ) {}

  private out(doc: Parameters<typeof toView>[0]): RoadsideRequest {
    return toRoadsideRequest(toView(doc), this.roadside.settings.speedKmh);
  }

  @Authorized()
  @Mutation(() => RoadsideRequest, {
    description:
      'Asks for help with your vehicle: offered at once to the nearest open centres offering ROADSIDE (by distance and rating), then to further waves until one accepts',
  })
  async requestRoadsideHelp(@Arg('input', () => RoadsideInput) input: RoadsideInput, @Ctx() ctx: MarketplaceContext) {
    return this.out(await this.roadside.request(ctx.viewer, input));
  }

  @Authorized()
  @Mutation(() => RoadsideRequest, {
    description:
      'A member of an offered centre takes the request; the first wins, later ones get CONFLICT. Select vehicle { latestReadings dtcs alerts } to receive its state',
  })
  async acceptRoadsideRequest(@Arg('id', () => ID) id: string, @Ctx() ctx: MarketplaceContext) {
    return this.out(await this.roadside.accept(ctx.viewer, id));
  }

  @Authorized()
  @Mutation(() => RoadsideRequest, { description: "The responder's position; the first one sets EN_ROUTE" })
  async updateRoadsideLocation(
    @Arg('id', () => ID) id: string,
    @Arg('location', () => GeoPoint) location: GeoPoint,
    @Ctx() ctx: MarketplaceContext,
  ) {
    return this.out(await this.roadside.locate(ctx.viewer, id, location));
  }

  @Authorized()
  @Mutation(() => RoadsideRequest, { description: 'The responder is with the driver' })
  async markRoadsideArrived(@Arg('id', () => ID) id: string, @Ctx() ctx: MarketplaceContext) {
    return this.out(await this.roadside.arrive(ctx.viewer, id));
  }

  @Authorized()
  @Mutation(() => RoadsideRequest, {
    description: 'The responder is done; with a charge the driver pays it through createPayment(subjectKind: ROADSIDE)',
  })
  async completeRoadsideRequest(
    @Arg('id', () => ID) id: string,
    @Arg('charge', () => RoadsideChargeInput, { nullable: true }) charge: RoadsideChargeInput | null,
    @Ctx() ctx: MarketplaceContext,
  ) {
    return this.out(await this.roadside.complete(ctx.viewer, id, charge));
  }

  @Authorized()
  @Mutation(() => RoadsideRequest, { description: 'The driver no longer needs help' })
  async cancelRoadsideRequest(
    @Arg('id', () => ID) id: string,
    @Arg('reason', () => String, { nullable: true }) reason: string | null,
    @Ctx() ctx: MarketplaceContext,
  ) {
    return this.out(await this.roadside.cancel(ctx.viewer, id, reason));
  }

  @Authorized()
  @Query(() => RoadsideRequest, { description: "A roadside request: its driver's, its responding centre's, staff's" })
  async roadsideRequest(@Arg('id', () => ID) id: string, @Ctx() ctx: MarketplaceContext) {
    return this.out(await this.roadside.read(ctx.viewer, id));
  }

  @Authorized()
  @Query(() => RoadsideRequestConnection, { description: 'Your roadside requests, newest first' })
  async myRoadsideRequests(@Args(() => PageArgs) page: PageArgs, @Ctx() ctx: MarketplaceContext) {
    const user = requireUser(ctx);
    return mapNodes(await this.store.forCustomer(user.userId, page), (doc) => this.out(doc));
  }

  @Authorized('ADMIN', 'STAFF')
  @Query(() => RoadsideRequestConnection, {
    description: 'Staff: roadside requests with a status, newest first (UNANSWERED ones need a person)',
  })
  async roadsideRequests(
    @Arg('status', () => RoadsideStatus) status: RoadsideStatusName,
    @Args(() => PageArgs) page: PageArgs,
  ) {
    return mapNodes(await this.store.withStatus(status, page), (doc) => this.out(doc));
  }

  @Authorized()
  @Query(() => [RoadsideOffer], {
    description:
      "Requests offered to a centre of yours and still open, newest first: one centre's with centreId (its members, staff), else every centre you are a member of",
  })
  async openRoadsideOffers(
    @Arg('centreId', () => ID, { nullable: true }) centreId: string | null,
    @Ctx() ctx: MarketplaceContext,
  ) {
    if (centreId === null || centreId === undefined) {
      const offered = await this.roadside.myOpenOffers(ctx.viewer);
      return offered.flatMap(({ doc, centreIds }) => centreIds.flatMap((id) => toRoadsideOffer(toView(doc), id) ?? []));
    }
    const docs = await this.roadside.openOffers(ctx.viewer, centreId);
    return docs.flatMap((doc) => toRoadsideOffer(toView(doc), centreId) ?? []);
  }

  @Authorized()
  @Subscription(() => RoadsideRequest, {
    subscribe: async ({ args, context }: { args: { requestId: string }; context: MarketplaceContext }) => {
      const { bus, maxQueue, read } = live(context);
      const id = parseId(String(args.requestId), 'requestId').toHexString();
      // Checked before the bus subscription exists, so a refused caller never receives an event.
      await read(context.viewer, id);
      return currentThenLive(bus, requestTopic(id), maxQueue, async () => [await read(context.viewer, id)]);
    },
    description:
      'A request as it changes, its current state first: status, responder position and ETA (its driver, its responding centre, staff)',
  })
  roadsideUpdates(
    @Root() view: RoadsideView,
    @Arg('requestId', () => ID) _requestId: string,
    @Ctx() ctx: MarketplaceContext,
  ): RoadsideRequest {
    return toRoadsideRequest(view, live(ctx).speedKmh);
  }

  @Authorized()
  @Subscription(() => RoadsideOffer, {
    subscribe: async ({ args, context }: { args: { centreId: string }; context: MarketplaceContext }) => {
      const { bus, maxQueue, openOffers } = live(context);
      const id = parseId(String(args.centreId), 'centreId').toHexString();
      await openOffers(context.viewer, id);
      return currentThenLive(bus, centreTopic(id), maxQueue, () => openOffers(context.viewer, id));
    },
    description:
      'Offers to your centre, the open ones first, then as they come, are taken (by you or another centre) or end (its members, staff)',
  })
  roadsideOffers(@Root() view: RoadsideView, @Arg('centreId', () => ID) centreId: string): RoadsideOffer {
    const offer = toRoadsideOffer(view, centreId);
    if (!offer) throw new ForbiddenError('Not offered to this centre');
    return offer;
  }
}

@Resolver(() => RoadsideResponder)
export class RoadsideResponderResolver {
  @FieldResolver(() => ServiceCentre)
  centre(@Root() responder: RoadsideResponder, @Ctx() ctx: MarketplaceContext): Promise<ServiceCentre> {
    return centreOf(ctx, responder.centreId);
  }
}

@Resolver(() => RoadsideOffer)
export class RoadsideOfferResolver {
  @FieldResolver(() => ServiceCentre)
  centre(@Root() offer: RoadsideOffer, @Ctx() ctx: MarketplaceContext): Promise<ServiceCentre> {
    return centreOf(ctx, offer.centreId);
  }
}
