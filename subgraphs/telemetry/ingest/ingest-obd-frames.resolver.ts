import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { DEVICE, type SubgraphContext } from '../../../platform/subgraph/context.js';
import { MAX_FRAME_CHARS } from '../obd/decode-frame.js';
import { MAX_BATCH_SIZE } from './batch.js';
import type { IngestService } from './ingest.service.js';
import { IngestResult, ObdRoundInput } from './ingest.type.js';
import { MAX_FRAMES_PER_UPLOAD, MAX_ROUNDS_PER_UPLOAD } from './rounds.js';

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

  @Authorized(DEVICE, 'CUSTOMER', 'STAFF', 'ADMIN')
  @Mutation(() => IngestResult, {
    description: `Stores several polling rounds, each with its own time, as one upload: what a dongle that samples every second and uploads every few seconds sends. At most ${MAX_ROUNDS_PER_UPLOAD} rounds of ${MAX_BATCH_SIZE} frames, ${MAX_FRAMES_PER_UPLOAD} frames in all; a bad frame is reported by round and index and does not sink the others`,
  })
  ingestObdRounds(
    @Arg('vehicleId', () => ID) vehicleId: string,
    @Arg('rounds', () => [ObdRoundInput]) rounds: ObdRoundInput[],
    @Arg('idempotencyKey', () => String, {
      nullable: true,
      description: 'Retrying with the same key stores the rounds once',
    })
    idempotencyKey: string | null | undefined,
    @Ctx() ctx: SubgraphContext,
  ): Promise<IngestResult> {
    return this.ingest.ingestRounds(ctx.viewer, { vehicleId, rounds, idempotencyKey });
  }
}
