import DataLoader from 'dataloader';
import { ObjectId } from 'mongodb';
import {
  Arg,
  Args,
  ArgsType,
  Authorized,
  Ctx,
  Field,
  FieldResolver,
  ID,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { isStaff } from '../../../platform/auth/viewer.js';
import { ForbiddenError } from '../../../platform/errors.js';
import { mapNodes, PageArgs } from '../../../platform/graphql/pagination.js';
import { requireUser } from '../../../platform/subgraph/context.js';
import { toCentre } from '../centres/centre.store.js';
import { ServiceCentre } from '../centres/centre.type.js';
import type { MarketplaceContext } from '../context.js';
import type { InventoryService } from '../inventory/inventory.service.js';
import type { StockDocument, StockStore } from '../inventory/stock.store.js';
import type { PartService } from './part.service.js';
import type { PartStore } from './part.store.js';
import { Part, PartConnection, PartInput, PartStock, toPart, toStock } from './part.type.js';

@ArgsType()
class PartsArgs extends PageArgs {
  @Field(() => ID, {
    nullable: true,
    description: 'Only parts that fit this vehicle of yours (by its make, model and year)',
  })
  vehicleId?: string | null;

  @Field(() => String, { nullable: true, description: 'Words of the name, brand or SKU (each matches by prefix)' })
  query?: string | null;

  @Field(() => ID, { nullable: true })
  centreId?: string | null;
}

/** Stock documents per request, batched into one `$in` (a page of parts reads its stock once). */
const stockLoaders = new WeakMap<object, DataLoader<string, StockDocument | null>>();

@Resolver(() => Part)
export class PartResolver {
  constructor(
    private readonly partService: PartService,
    private readonly partStore: PartStore,
    private readonly inventory: InventoryService,
    private readonly stockStore: StockStore,
  ) {}

  @Authorized()
  @Query(() => PartConnection, {
    description: 'Parts that fit the vehicle, match the query and the centre, newest first',
  })
  async parts(@Args(() => PartsArgs) args: PartsArgs, @Ctx() ctx: MarketplaceContext) {
    return mapNodes(await this.partService.search(ctx.viewer, args), toPart);
  }

  @Authorized()
  @Query(() => Part, { nullable: true })
  async part(@Arg('id', () => ID) id: string): Promise<Part | null> {
    const doc = await this.partStore.findById(id);
    return doc ? toPart(doc) : null;
  }

  @Authorized()
  @Mutation(() => Part, {
    description:
      "Adds a part to your centre's catalogue with its stock (the centre's members). CONFLICT for a SKU it lists",
  })
  async addPart(@Arg('input', () => PartInput) input: PartInput, @Ctx() ctx: MarketplaceContext) {
    return toPart(await this.partService.add(ctx.viewer, input));
  }

  @Authorized()
  @Mutation(() => PartStock, {
    description:
      'Counts units in (positive) or out (negative) at your centre; CONFLICT when removing more than are free',
  })
  async adjustStock(
    @Arg('partId', () => ID) partId: string,
    @Arg('delta', () => Int) delta: number,
    @Ctx() ctx: MarketplaceContext,
  ) {
    return toStock(await this.inventory.adjust(ctx.viewer, partId, delta));
  }

  @Authorized()
  @Mutation(() => PartStock, { description: "Sets the part's low-stock threshold (the centre's members)" })
  async setLowStockThreshold(
    @Arg('partId', () => ID) partId: string,
    @Arg('threshold', () => Int) threshold: number,
    @Ctx() ctx: MarketplaceContext,
  ) {
    return toStock(await this.inventory.setThreshold(ctx.viewer, partId, threshold));
  }

  @FieldResolver(() => ServiceCentre)
  async centre(@Root() part: Part, @Ctx() ctx: MarketplaceContext): Promise<ServiceCentre> {
    const doc = await ctx.loaders.byId.load(part.centreId);
    if (!doc) throw new ForbiddenError('The service centre is gone');
    return toCentre(doc);
  }

  @FieldResolver(() => Boolean, { description: 'Whether at least one is free to order now' })
  async inStock(@Root() part: Part, @Ctx() ctx: MarketplaceContext): Promise<boolean> {
    return ((await this.stockOf(part, ctx))?.quantity ?? 0) > 0;
  }

  @FieldResolver(() => PartStock, {
    nullable: true,
    description: "Units free and held: the centre's members and staff (null for others)",
  })
  async stock(@Root() part: Part, @Ctx() ctx: MarketplaceContext): Promise<PartStock | null> {
    const user = requireUser(ctx);
    const centre = await ctx.loaders.byId.load(part.centreId);
    if (!isStaff(user) && !centre?.memberIds.includes(user.userId)) return null;
    const doc = await this.stockOf(part, ctx);
    return doc ? toStock(doc) : null;
  }

  private stockOf(part: Part, ctx: MarketplaceContext): Promise<StockDocument | null> {
    let loader = stockLoaders.get(ctx);
    if (!loader) {
      loader = new DataLoader((ids: readonly string[]) => this.stockStore.findMany(ids.map((id) => new ObjectId(id))));
      stockLoaders.set(ctx, loader);
    }
    return loader.load(part.id);
  }
}
