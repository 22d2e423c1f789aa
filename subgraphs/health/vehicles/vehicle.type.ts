import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** The vehicles subgraph owns Vehicle; health adds fields resolved from its own data. */
@Directive('@key(fields: "id")')
@ObjectType()
export class Vehicle {
  @Field(() => ID)
  id!: string;
}

/** Health keeps its data by vehicle id: every field it adds reads by that id. */
export const resolveVehicleReference = (reference: Pick<Vehicle, 'id'>): Vehicle => ({ id: reference.id });
