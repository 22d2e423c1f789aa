import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { SubgraphContext } from '../../../platform/subgraph/context.js';
import type { EstimatesService } from './estimates.service.js';
import {
  HealthEstimates,
  InsuranceImpact,
  ResaleImpact,
  RoadSafety,
  SimilarVehicles,
  WarrantyCoverage,
} from './estimates.type.js';

const labelled = <T extends object>(estimate: T) => ({ isEstimate: true, ...estimate });
const date = (ms: number | null) => (ms === null ? null : new Date(ms));

/** Each estimate is computed only when selected (the vehicle was authorized by `healthEstimates`). */
@Resolver(() => HealthEstimates)
export class HealthEstimatesResolver {
  constructor(private readonly estimates: EstimatesService) {}

  @FieldResolver(() => InsuranceImpact)
  async insurance(@Root() root: HealthEstimates, @Ctx() ctx: SubgraphContext): Promise<InsuranceImpact> {
    return labelled(await this.estimates.insurance(ctx, root.vehicleId));
  }

  @FieldResolver(() => ResaleImpact)
  async resale(@Root() root: HealthEstimates, @Ctx() ctx: SubgraphContext): Promise<ResaleImpact> {
    return labelled(await this.estimates.resale(ctx, root.vehicleId));
  }

  @FieldResolver(() => WarrantyCoverage)
  async warranty(@Root() root: HealthEstimates, @Ctx() ctx: SubgraphContext): Promise<WarrantyCoverage> {
    const estimate = await this.estimates.warranty(ctx, root.vehicleId);
    return labelled({ ...estimate, items: estimate.items.map((i) => ({ ...i, expiresAt: date(i.expiresAt) })) });
  }

  @FieldResolver(() => RoadSafety)
  async roadSafety(@Root() root: HealthEstimates, @Ctx() ctx: SubgraphContext): Promise<RoadSafety> {
    return labelled(await this.estimates.roadSafety(ctx, root.vehicleId));
  }

  @FieldResolver(() => SimilarVehicles)
  async similarVehicles(@Root() root: HealthEstimates, @Ctx() ctx: SubgraphContext): Promise<SimilarVehicles> {
    return labelled(await this.estimates.similarVehicles(ctx, root.vehicleId));
  }
}
