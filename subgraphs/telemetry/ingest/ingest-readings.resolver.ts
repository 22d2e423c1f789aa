import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { DEVICE, type SubgraphContext } from '../../../platform/subgraph/context.js';
import { ReadingInput } from '../readings/reading.type.js';
import { MAX_BATCH_SIZE } from './batch.js';
import type { IngestService } from './ingest.service.js';
import { IngestResult } from './ingest.type.js';

@Resolver()
export class IngestReadingsResolver {
  constructor(private readonly ingest: IngestService) {}

  @Authorized(DEVICE, 'CUSTOMER', 'STAFF', 'ADMIN')
  @Mutation(() => IngestResult, {
    description: `Stores values decoded on board. At most ${MAX_BATCH_SIZE} readings; one with an unknown PID or a value outside the PID's range is reported by index and does not sink the others`,
  })
  ingestReadings(
    @Arg('vehicleId', () => ID) vehicleId: string,
    @Arg('readings', () => [ReadingInput]) readings: ReadingInput[],
    @Arg('idempotencyKey', () => String, {
      nullable: true,
      description: 'Retrying with the same key stores the batch once',
    })
    idempotencyKey: string | null | undefined,
    @Ctx() ctx: SubgraphContext,
  ): Promise<IngestResult> {
    return this.ingest.ingestReadings(ctx.viewer, { vehicleId, readings, idempotencyKey });
  }
}
