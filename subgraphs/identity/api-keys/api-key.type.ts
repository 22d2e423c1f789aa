import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionType } from '../../../platform/graphql/pagination.js';

/** What a B2B key may do; the value is what `@Authorized(scope(...))` checks. */
export enum ApiScope {
  AUDIT_READ = 'audit:read',
  USERS_READ = 'users:read',
  /** Create owners, vehicles and paired devices in bulk (provisionFleet). */
  FLEET_PROVISION = 'fleet:provision',
}
registerEnumType(ApiScope, { name: 'ApiScope' });

@ObjectType({ description: 'A B2B API key; the secret itself is shown only once, at creation' })
export class ApiKey {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'The first characters of the key, to recognise it' })
  prefix!: string;

  @Field(() => [ApiScope])
  scopes!: ApiScope[];

  @Field(() => String)
  createdBy!: string;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  expiresAt?: Date | null;

  @Field(() => Date, { nullable: true })
  revokedAt?: Date | null;
}

@ObjectType()
export class CreatedApiKey {
  @Field(() => String, { description: 'Send as the x-api-key header. Store it now: it cannot be shown again' })
  key!: string;

  @Field(() => ApiKey)
  apiKey!: ApiKey;
}

@InputType()
export class CreateApiKeyInput {
  @Field(() => String)
  name!: string;

  @Field(() => [ApiScope])
  scopes!: ApiScope[];

  @Field(() => Date, { nullable: true })
  expiresAt?: Date;
}

export const ApiKeyConnection = ConnectionType(ApiKey);
