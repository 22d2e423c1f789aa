import { Field, InputType, Int, ObjectType } from 'type-graphql';
import { ObdDevice } from '../devices/device.type.js';
import { User } from '../owners/user.type.js';
import { AddVehicleInput, Vehicle } from '../vehicles/vehicle.type.js';
import { MAX_FLEET_OWNERS, MAX_FLEET_VEHICLES } from './fleet-input.js';

/** What addVehicle takes, plus the dongle to pair with it. */
@InputType()
export class ProvisionVehicleInput extends AddVehicleInput {
  @Field(() => String, { nullable: true, description: 'Pairs this OBD dongle with the vehicle' })
  pairDeviceSerial?: string | null;
}

@InputType()
export class ProvisionOwnerInput {
  @Field(() => String, { nullable: true, description: 'Your own reference for the owner, echoed in the result' })
  externalRef?: string | null;

  @Field(() => String, { description: 'An existing account with this email is used as it is' })
  email!: string;

  @Field(() => String)
  name!: string;

  @Field(() => [ProvisionVehicleInput])
  vehicles!: ProvisionVehicleInput[];
}

@InputType()
export class ProvisionFleetInput {
  @Field(() => String, {
    description:
      'Unique per request, 16 to 128 characters (a UUID, say). Retrying with it answers the first result, device tokens included, for 24 hours',
  })
  idempotencyKey!: string;

  @Field(() => [ProvisionOwnerInput], {
    description: `At most ${MAX_FLEET_OWNERS} owners and ${MAX_FLEET_VEHICLES} vehicles in all`,
  })
  owners!: ProvisionOwnerInput[];
}

@ObjectType()
export class ProvisionedDevice {
  @Field(() => Boolean, {
    description: 'Paired by this request; false when the serial was paired with the vehicle already',
  })
  paired!: boolean;

  @Field(() => String, {
    nullable: true,
    description:
      'Send as "Authorization: Bearer <token>" from the device. Only for devices this request paired: store it now',
  })
  deviceToken!: string | null;

  @Field(() => ObdDevice)
  device!: ObdDevice;
}

@ObjectType()
export class ProvisionedVehicle {
  @Field(() => Boolean, {
    description: 'Registered by this request; false when the VIN was the owner’s vehicle already',
  })
  created!: boolean;

  @Field(() => Vehicle)
  vehicle!: Vehicle;

  @Field(() => ProvisionedDevice, { nullable: true })
  device!: ProvisionedDevice | null;
}

@ObjectType()
export class ProvisionedOwner {
  @Field(() => String, { nullable: true })
  externalRef!: string | null;

  @Field(() => String)
  email!: string;

  @Field(() => Boolean, { description: 'Created by this request (without a password); false for an existing account' })
  created!: boolean;

  @Field(() => User)
  user!: User;

  @Field(() => [ProvisionedVehicle])
  vehicles!: ProvisionedVehicle[];
}

@ObjectType({ description: 'What a provisionFleet request created and found, in the order of its input' })
export class FleetProvisioning {
  @Field(() => String)
  idempotencyKey!: string;

  @Field(() => Boolean, { description: 'Answered from an earlier request with the same key; nothing was done again' })
  replayed!: boolean;

  @Field(() => Int)
  ownersCreated!: number;

  @Field(() => Int)
  vehiclesCreated!: number;

  @Field(() => Int)
  devicesPaired!: number;

  @Field(() => [ProvisionedOwner])
  owners!: ProvisionedOwner[];
}
