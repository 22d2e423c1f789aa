import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { DEVICE, type SubgraphContext } from '../../../platform/subgraph/context.js';
import { MAX_FRAME_CHARS } from '../obd/decode-frame.js';
import { MAX_BATCH_SIZE } from './batch.js';
import type { IngestService } from './ingest.service.js';
import { IngestResult } from './ingest.type.js';

@Resolver()
export class IngestObdFramesResolver {
  constructor(private readonly ingest: IngestService) {}

  @Authorized(DEVICE, 'CUSTOMER', 'STAFF', 'ADMIN')
  @Mutation(() => IngestResult, {
    description: `Stores ELM327 replies (CAN, headers off, such as "41 0C 1A F8"). At most ${MAX_BATCH_SIZE} frames of ${MAX_FRAME_CHARS} characters; a bad frame is reported by index and does not sink the others`,
  })
  ingestObdFrames(
    @Arg('vehicleId', () => ID) vehicleId: string,
    @Arg('frames', () => [String]) frames: string[],
    @Arg('recordedAt', () => Date, { nullable: true, description: 'When the frames were read; defaults to now' })
    recordedAt: Date | null | undefined,
    @Arg('idempotencyKey', () => String, {
      nullable: true,
      description: 'Retrying with the same key stores the batch once',
    })
    idempotencyKey: string | null | undefined,
    @Ctx() ctx: SubgraphContext,
  ): Promise<IngestResult> {
    return this.ingest.ingestFrames(ctx.viewer, { vehicleId, frames, recordedAt, idempotencyKey });
  }
}
