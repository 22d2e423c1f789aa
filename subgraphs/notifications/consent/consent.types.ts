import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import type { GrantDocument } from './grant.store.js';

export enum VehicleAccessScope {
  TELEMETRY = 'TELEMETRY',
  HEALTH = 'HEALTH',
  LOCATION = 'LOCATION',
}
registerEnumType(VehicleAccessScope, {
  name: 'VehicleAccessScope',
  description: "What of a vehicle an organisation may read and receive webhooks for, by its owner's consent",
});

@ObjectType({ description: "A vehicle owner's consent to an organisation (revocable at any time)" })
export class VehicleAccessGrant {
  @Field(() => ID) id!: string;
  @Field(() => ID) vehicleId!: string;
  @Field(() => ID) organizationId!: string;
  @Field(() => [VehicleAccessScope]) scopes!: VehicleAccessScope[];
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date, { nullable: true }) revokedAt!: Date | null;
}

export const toGrant = (doc: GrantDocument): VehicleAccessGrant => ({
  id: doc._id.toHexString(),
  vehicleId: doc.vehicleId,
  organizationId: doc.organizationId,
  scopes: doc.scopes as VehicleAccessScope[],
  createdAt: doc.createdAt,
  revokedAt: doc.revokedAt,
});
