import { Directive, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionType } from '../../../platform/graphql/pagination.js';
import { User } from '../owners/user.type.js';
import type { VinRegion as VinRegionName } from '../vin/vin.js';

export const VinRegion = {
  AFRICA: 'AFRICA',
  ASIA: 'ASIA',
  EUROPE: 'EUROPE',
  NORTH_AMERICA: 'NORTH_AMERICA',
  OCEANIA: 'OCEANIA',
  SOUTH_AMERICA: 'SOUTH_AMERICA',
} as const satisfies { [K in VinRegionName]: K };
registerEnumType(VinRegion, {
  name: 'VinRegion',
  description: 'Where a VIN says the vehicle was made (its first character)',
});

@ObjectType({ description: 'What the VIN itself says about the vehicle' })
export class VinInfo {
  @Field(() => String, { description: 'World manufacturer identifier, VIN positions 1-3' })
  wmi!: string;

  @Field(() => VinRegion, { nullable: true })
  region!: VinRegionName | null;

  @Field(() => String, { nullable: true, description: 'Null when the WMI is not in the built-in table' })
  manufacturer!: string | null;

  @Field(() => Int, {
    nullable: true,
    description: 'From position 10; authoritative for North American VINs, a best guess elsewhere',
  })
  modelYear!: number | null;
}

@Directive('@key(fields: "id")')
@ObjectType({ description: 'A vehicle registered by its owner' })
export class Vehicle {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'Upper case, 17 characters' })
  vin!: string;

  @Field(() => String, { nullable: true, description: "Defaults to the VIN's manufacturer" })
  make!: string | null;

  @Field(() => String, { nullable: true })
  model!: string | null;

  @Field(() => Int, { nullable: true, description: "Defaults to the VIN's model year for North American VINs" })
  year!: number | null;

  @Field(() => String, { nullable: true })
  nickname!: string | null;

  @Field(() => User)
  owner!: User;

  /** Not in the schema: the owner's id, for object-level checks. */
  ownerId!: string;

  @Field(() => VinInfo)
  vinInfo!: VinInfo;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;

  @Field(() => Date, { nullable: true, description: 'Set once removed; a removed vehicle is kept as history' })
  removedAt!: Date | null;
}

@InputType()
export class AddVehicleInput {
  @Field(() => String)
  vin!: string;

  @Field(() => String, { nullable: true })
  make?: string | null;

  @Field(() => String, { nullable: true })
  model?: string | null;

  @Field(() => Int, { nullable: true, description: "Must match the VIN's model year for North American VINs" })
  year?: number | null;

  @Field(() => String, { nullable: true })
  nickname?: string | null;
}

@InputType({
  description:
    'Omitted fields stay as they are; null puts make and year back to what the VIN says, and clears model and nickname',
})
export class UpdateVehicleInput {
  @Field(() => String, { nullable: true })
  make?: string | null;

  @Field(() => String, { nullable: true })
  model?: string | null;

  @Field(() => Int, { nullable: true, description: "Null resets it to the VIN's model year where that is known" })
  year?: number | null;

  @Field(() => String, { nullable: true })
  nickname?: string | null;
}

export const VehicleConnection = ConnectionType(Vehicle);
