import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { ConnectionType } from '../../../platform/graphql/pagination.js';
import { heldUnits, type StockDocument } from '../inventory/stock.store.js';
import type { PartDocument } from './part.store.js';

@ObjectType({ description: 'Vehicles a part fits: a make and model over a range of model years' })
export class PartFitment {
  @Field(() => String)
  make!: string;

  @Field(() => String)
  model!: string;

  @Field(() => Int)
  yearFrom!: number;

  @Field(() => Int)
  yearTo!: number;
}

@InputType()
export class PartFitmentInput {
  @Field(() => String)
  make!: string;

  @Field(() => String)
  model!: string;

  @Field(() => Int, { description: '1900-2100, not after yearTo' })
  yearFrom!: number;

  @Field(() => Int)
  yearTo!: number;
}

@ObjectType({ description: "A centre's stock of a part (its members and staff)" })
export class PartStock {
  @Field(() => Int, { description: 'Free to sell' })
  quantity!: number;

  @Field(() => Int, { description: 'Held by unpaid orders' })
  held!: number;

  @Field(() => Int, { description: 'At or below this, the centre is told once (marketplace.stock.low)' })
  lowStockThreshold!: number;

  @Field(() => Boolean)
  low!: boolean;
}

@ObjectType({ description: 'A part a service centre sells' })
export class Part {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  sku!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  brand!: string;

  @Field(() => Int, { description: 'The price of one, in minor units of currency' })
  priceMinor!: number;

  @Field(() => String, { description: 'ISO 4217' })
  currency!: string;

  @Field(() => [PartFitment])
  fitment!: PartFitment[];

  @Field(() => Date)
  createdAt!: Date;

  centreId!: string;
}

export const PartConnection = ConnectionType(Part);

@InputType({ description: "A part for one of your centres' catalogue" })
export class PartInput {
  @Field(() => ID)
  centreId!: string;

  @Field(() => String, {
    description: 'Unique per centre, letters, digits and . _ / - (case and separators do not count)',
  })
  sku!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  brand!: string;

  @Field(() => Int, { description: 'Minor units, positive' })
  priceMinor!: number;

  @Field(() => String, { description: 'ISO 4217, such as EUR' })
  currency!: string;

  @Field(() => [PartFitmentInput], { description: 'At most 50' })
  fitment!: PartFitmentInput[];

  @Field(() => Int, { nullable: true, description: 'Units in stock to begin with (0)' })
  initialStock?: number | null;

  @Field(() => Int, { nullable: true, description: 'The low-stock threshold (0: told when it runs out)' })
  lowStockThreshold?: number | null;
}

export const toPart = (doc: PartDocument): Part => ({
  id: doc._id.toHexString(),
  sku: doc.sku,
  name: doc.name,
  brand: doc.brand,
  priceMinor: doc.priceMinor,
  currency: doc.currency,
  fitment: doc.fitment.map(({ make, model, yearFrom, yearTo }) => ({ make, model, yearFrom, yearTo })),
  createdAt: doc.createdAt,
  centreId: doc.centreId,
});

export const toStock = (doc: StockDocument): PartStock => ({
  quantity: doc.quantity,
  held: heldUnits(doc),
  lowStockThreshold: doc.lowStockThreshold,
  low: doc.low,
});
