import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** Identity's `User`, as far as this subgraph knows it: the key (members, applicants, and what bookings add). */
@Directive('@key(fields: "id")')
@ObjectType()
export class User {
  @Field(() => ID)
  id!: string;
}

/** Identity owns users; the key is all this subgraph needs to resolve fields it adds to `User`. */
export const resolveUserReference = (reference: Pick<User, 'id'>): User => ({ id: String(reference.id) });
