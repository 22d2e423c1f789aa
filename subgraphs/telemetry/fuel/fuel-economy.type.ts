import { Field, Float, ObjectType, registerEnumType } from 'type-graphql';
import type { FuelSource } from './fuel-economy.js';

export const FuelEconomySource = { FUEL_RATE: 'FUEL_RATE', MAF: 'MAF' } as const satisfies Record<
  FuelSource,
  FuelSource
>;
registerEnumType(FuelEconomySource, {
  name: 'FuelEconomySource',
  description:
    "FUEL_RATE: the ECU's engine fuel rate (PID 5E); MAF: estimated from mass air flow (PID 10) at AFR 14.7 and 745 g/L petrol",
});

@ObjectType({ description: 'Fuel used per distance, from readings where speed and fuel flow were both known' })
export class FuelEconomy {
  @Field(() => Date)
  from!: Date;

  @Field(() => Date)
  to!: Date;

  @Field(() => FuelEconomySource, { nullable: true, description: 'Null when the range has no usable readings' })
  source!: FuelSource | null;

  @Field(() => Float)
  distanceKm!: number;

  @Field(() => Float)
  fuelUsedLitres!: number;

  @Field(() => Float, { nullable: true, description: 'Null under 0.1 km' })
  litresPer100Km!: number | null;
}
