import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionType } from '../../../platform/graphql/pagination.js';

export enum MarketplaceAuditAction {
  PARTNER_APPLIED = 'PARTNER_APPLIED',
  PARTNER_APPROVED = 'PARTNER_APPROVED',
  PARTNER_REJECTED = 'PARTNER_REJECTED',
  CENTRE_UPDATED = 'CENTRE_UPDATED',
  STAFF_ADDED = 'STAFF_ADDED',
  STAFF_REMOVED = 'STAFF_REMOVED',
}
registerEnumType(MarketplaceAuditAction, { name: 'MarketplaceAuditAction' });

@ObjectType({ description: 'One partner-side change: an application, a decision, an edit of a centre or its members' })
export class MarketplaceAuditEntry {
  @Field(() => ID)
  id!: string;

  @Field(() => MarketplaceAuditAction)
  action!: MarketplaceAuditAction;

  @Field(() => String, { description: 'Who acted: user:<id>' })
  actorId!: string;

  @Field(() => ID, { nullable: true })
  centreId!: string | null;

  @Field(() => ID, { nullable: true })
  applicationId!: string | null;

  @Field(() => String, { description: 'What changed, for people: the fields edited, the member, the reason' })
  detail!: string;

  @Field(() => String, { nullable: true })
  requestId!: string | null;

  @Field(() => Date)
  at!: Date;
}

export const MarketplaceAuditEntryConnection = ConnectionType(MarketplaceAuditEntry);
