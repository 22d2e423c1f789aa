import { Directive, Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { ROLES, type Role as RoleName } from '../../../platform/auth/viewer.js';

export const Role = Object.fromEntries(ROLES.map((r) => [r, r])) as { [K in RoleName]: K };
registerEnumType(Role, { name: 'Role', description: 'What a user may do across the platform' });

@Directive('@key(fields: "id")')
@ObjectType({ description: 'A person with a Clutch account' })
export class User {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  email!: string;

  @Field(() => String)
  name!: string;

  @Field(() => [Role])
  roles!: RoleName[];

  @Field(() => Date)
  createdAt!: Date;
}
