import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType({ description: 'An OBD-II dongle paired with a vehicle' })
export class ObdDevice {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'The serial printed on the dongle, upper case' })
  serial!: string;

  @Field(() => ID)
  vehicleId!: string;

  @Field(() => Date)
  pairedAt!: Date;

  @Field(() => Date, { nullable: true, description: 'Set once the token stops working' })
  revokedAt!: Date | null;
}

@ObjectType()
export class ObdPairing {
  @Field(() => String, {
    description: 'Send as "Authorization: Bearer <token>" from the device, to ingest only. Shown once: store it now',
  })
  deviceToken!: string;

  @Field(() => ObdDevice)
  device!: ObdDevice;
}
