import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionType } from '../../../platform/graphql/pagination.js';

export enum AuditEventType {
  REGISTERED = 'REGISTERED',
  LOGIN_SUCCEEDED = 'LOGIN_SUCCEEDED',
  LOGIN_FAILED = 'LOGIN_FAILED',
  LOGIN_THROTTLED = 'LOGIN_THROTTLED',
  TOKEN_REFRESHED = 'TOKEN_REFRESHED',
  REFRESH_TOKEN_REUSED = 'REFRESH_TOKEN_REUSED',
  LOGGED_OUT = 'LOGGED_OUT',
  ADMIN_BOOTSTRAPPED = 'ADMIN_BOOTSTRAPPED',
  API_KEY_CREATED = 'API_KEY_CREATED',
  API_KEY_REVOKED = 'API_KEY_REVOKED',
  /** An account created without a password by fleet provisioning (actorId: the admin or API key). */
  ACCOUNT_PROVISIONED = 'ACCOUNT_PROVISIONED',
  /** One provisionFleet call that stored something: what it created, by whom. */
  FLEET_PROVISIONED = 'FLEET_PROVISIONED',
  /** A role granted by another service's flow (PARTNER on an approved partner application); actorId: the admin. */
  ROLE_GRANTED = 'ROLE_GRANTED',
  /** An organisation's API key read a vehicle its owner granted it: userId the org, actorId the key, detail what. */
  VEHICLE_DATA_READ = 'VEHICLE_DATA_READ',
}
registerEnumType(AuditEventType, { name: 'AuditEventType' });

@ObjectType({ description: 'An authentication or access-control event' })
export class AuditEvent {
  @Field(() => ID)
  id!: string;

  @Field(() => AuditEventType)
  type!: AuditEventType;

  @Field(() => String, { nullable: true, description: 'The user concerned, when known' })
  userId?: string | null;

  @Field(() => String, { nullable: true, description: 'Who acted, when it was not the user themselves' })
  actorId?: string | null;

  @Field(() => String, { nullable: true })
  ip?: string | null;

  @Field(() => String, { nullable: true })
  requestId?: string | null;

  @Field(() => String, { nullable: true })
  detail?: string | null;

  @Field(() => Date)
  at!: Date;
}

export const AuditEventConnection = ConnectionType(AuditEvent);
