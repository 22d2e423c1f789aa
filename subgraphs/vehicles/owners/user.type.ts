import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** Identity's `User`, as far as this subgraph knows it: the key, plus `vehicles` resolved here. */
@Directive('@key(fields: "id")')
@ObjectType()
export class User {
  @Field(() => ID)
  id!: string;
}
