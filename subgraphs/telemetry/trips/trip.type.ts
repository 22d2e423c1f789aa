import { Field, Float, Int, ObjectType } from 'type-graphql';
import { HARSH_ACCELERATION_MPS2, HARSH_BRAKING_MPS2 } from '../../../platform/driving/driving-model.js';
import { ConnectionType } from '../../../platform/graphql/pagination.js';

@ObjectType({ description: 'A drive, cut from speed and RPM readings' })
export class Trip {
  @Field(() => Date)
  startedAt!: Date;

  @Field(() => Date, { description: 'The last reading with the engine running or the vehicle moving' })
  endedAt!: Date;

  @Field(() => Float)
  durationSeconds!: number;

  @Field(() => Float)
  distanceKm!: number;

  @Field(() => Float)
  maxSpeedKmh!: number;

  @Field(() => Int, { description: `Decelerations of ${HARSH_BRAKING_MPS2.toFixed(1)} m/s² or more` })
  harshBrakingCount!: number;

  @Field(() => Int, { description: `Accelerations of ${HARSH_ACCELERATION_MPS2.toFixed(1)} m/s² or more` })
  harshAccelerationCount!: number;

  @Field(() => Boolean, {
    description: 'Readings of this trip are still arriving (the last one is under 5 minutes old)',
  })
  inProgress!: boolean;
}

export const TripConnection = ConnectionType(Trip);
