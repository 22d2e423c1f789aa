import { Field, InputType, ObjectType } from 'type-graphql';
import { User } from '../users/user.type.js';

@ObjectType()
export class AuthPayload {
  @Field(() => String)
  accessToken!: string;

  @Field(() => String, { description: 'Single use: each refresh returns a new one' })
  refreshToken!: string;

  @Field(() => Date)
  accessTokenExpiresAt!: Date;

  @Field(() => User)
  user!: User;
}

@InputType()
export class RegisterInput {
  @Field(() => String)
  email!: string;

  @Field(() => String, { description: '10 to 128 characters' })
  password!: string;

  @Field(() => String)
  name!: string;
}
