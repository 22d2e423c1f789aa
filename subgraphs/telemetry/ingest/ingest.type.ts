import { Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { IngestErrorCode as IngestErrorCodeName } from './batch.js';

export const IngestErrorCode = {
  MALFORMED: 'MALFORMED',
  UNSUPPORTED: 'UNSUPPORTED',
  TOO_LONG: 'TOO_LONG',
  TRUNCATED: 'TRUNCATED',
  OUT_OF_RANGE: 'OUT_OF_RANGE',
} as const satisfies Record<IngestErrorCodeName, IngestErrorCodeName>;
registerEnumType(IngestErrorCode, {
  name: 'IngestErrorCode',
  description: 'Why one frame or reading of a batch was rejected',
});

@ObjectType({ description: 'A frame (or reading) of the batch that was rejected; the others were not affected' })
export class FrameError {
  @Field(() => Int, { nullable: true, description: 'For ingestObdRounds: the round the frame belongs to, from 0' })
  round?: number | null;

  @Field(() => Int, { description: 'Position in the batch (in its round, for ingestObdRounds), from 0' })
  index!: number;

  @Field(() => IngestErrorCode)
  code!: IngestErrorCodeName;

  @Field(() => String)
  reason!: string;
}

@ObjectType({ description: 'What became of an uploaded batch' })
export class IngestResult {
  @Field(() => Int, { description: 'Items decoded (adapter status replies such as NO DATA included)' })
  accepted!: number;

  @Field(() => Int)
  rejected!: number;

  @Field(() => Int)
  readingsStored!: number;

  @Field(() => Int, { description: 'Trouble codes reported by the batch' })
  dtcsStored!: number;

  @Field(() => [FrameError])
  errors!: FrameError[];

  @Field(() => Date, {
    description:
      'The time the readings were stored under (the latest one for ingestReadings, the latest round for ingestObdRounds)',
  })
  recordedAt!: Date;

  @Field(() => Boolean, {
    description: 'True when the idempotency key was used before: nothing was stored again, this is the first result',
  })
  duplicate!: boolean;
}

export type IngestSummary = Omit<IngestResult, 'duplicate'>;

@InputType({ description: 'One polling round of a dongle: the ELM327 replies it read, and when' })
export class ObdRoundInput {
  @Field(() => Date, { description: 'When the round was read' })
  recordedAt!: Date;

  @Field(() => [String], { description: 'ELM327 replies (CAN, headers off, such as "41 0C 1A F8")' })
  frames!: string[];
}
