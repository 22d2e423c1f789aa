import { Field, ObjectType } from 'type-graphql';
import { Reading } from '../readings/reading.type.js';
import { Vehicle } from '../vehicles/vehicle.type.js';

@ObjectType({ description: 'Readings of one vehicle, as they are stored' })
export class TelemetryEvent {
  @Field(() => Vehicle)
  vehicle!: Vehicle;

  @Field(() => Date, { description: 'The latest recordedAt among the readings' })
  recordedAt!: Date;

  @Field(() => [Reading])
  readings!: Reading[];
}
