import { Field, Float, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ReadingBucket } from './downsample.js';

registerEnumType(ReadingBucket, {
  name: 'ReadingBucket',
  description: 'The time span each point of a chart summarises (UTC-aligned)',
});

@ObjectType({ description: 'One decoded OBD-II value' })
export class Reading {
  @Field(() => String, { description: 'Mode 01 PID, two hex digits such as "0C"' })
  pid!: string;

  @Field(() => String)
  name!: string;

  @Field(() => Float)
  value!: number;

  @Field(() => String)
  unit!: string;

  @Field(() => Date, { description: 'When the vehicle measured it' })
  recordedAt!: Date;
}

@InputType({ description: 'A value a device decoded on board' })
export class ReadingInput {
  @Field(() => String, { description: 'Mode 01 PID, two hex digits such as "0C"' })
  pid!: string;

  @Field(() => Float, { description: "In the PID's unit (J1979), within its physical range" })
  value!: number;

  @Field(() => Date, { nullable: true, description: "Defaults to the server's time of receipt" })
  recordedAt?: Date | null;
}

@ObjectType({ description: 'Readings of one bucket' })
export class ReadingPoint {
  @Field(() => Date, { description: 'Start of the bucket' })
  at!: Date;

  @Field(() => Int)
  count!: number;

  @Field(() => Float)
  avg!: number;

  @Field(() => Float)
  min!: number;

  @Field(() => Float)
  max!: number;
}

@ObjectType({ description: 'One PID over time, downsampled; buckets without readings are left out' })
export class ReadingSeries {
  @Field(() => String)
  pid!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  unit!: string;

  @Field(() => ReadingBucket)
  bucket!: ReadingBucket;

  @Field(() => Date, { description: 'The requested from, rounded down to the bucket size' })
  from!: Date;

  @Field(() => Date, { description: 'The requested to, rounded up to the bucket size' })
  to!: Date;

  @Field(() => [ReadingPoint])
  points!: ReadingPoint[];
}
