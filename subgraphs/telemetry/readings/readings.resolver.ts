import { Arg, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { VehicleAccess } from '../../../platform/access/vehicle-access.js';
import type { SubgraphContext } from '../../../platform/subgraph/context.js';
import { authorizeRead } from '../../../platform/access/vehicle-read.js';
import { Vehicle } from '../vehicles/vehicle.type.js';
import { MAX_POINTS, MAX_RANGE_MS, ReadingBucket } from './downsample.js';
import type { ReadingHistoryService } from './reading-history.service.js';
import { ReadingSeries } from './reading.type.js';

@Resolver(() => Vehicle)
export class ReadingsResolver {
  constructor(
    private readonly access: VehicleAccess,
    private readonly history: ReadingHistoryService,
  ) {}

  @FieldResolver(() => ReadingSeries, {
    description: `One PID between from and to, as avg/min/max per bucket; at most ${MAX_POINTS} buckets and ${MAX_RANGE_MS / 86_400_000} days`,
  })
  async readings(
    @Root() vehicle: Vehicle,
    @Arg('pid', () => String, { description: 'Two hex digits, such as "0C"' }) pid: string,
    @Arg('from', () => Date) from: Date,
    @Arg('to', () => Date) to: Date,
    @Arg('bucket', () => ReadingBucket) bucket: ReadingBucket,
    @Ctx() ctx: SubgraphContext,
  ): Promise<ReadingSeries> {
    await authorizeRead(this.access, ctx, vehicle.id, 'TELEMETRY');
    return this.history.series(vehicle.id, pid, from, to, bucket);
  }
}
