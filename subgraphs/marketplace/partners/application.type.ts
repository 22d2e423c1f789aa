import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionType } from '../../../platform/graphql/pagination.js';
import {
  GeoPoint,
  GeoPointInput,
  OpeningHours,
  OpeningHoursInput,
  ServiceCentre,
  ServiceOffering,
  ServiceOfferingInput,
} from '../centres/centre.type.js';
import { User } from '../centres/user.type.js';

export enum PartnerApplicationStatus {
  PENDING = 'PENDING',
  APPROVED = 'APPROVED',
  REJECTED = 'REJECTED',
}
registerEnumType(PartnerApplicationStatus, { name: 'PartnerApplicationStatus' });

@InputType({ description: 'A business asking to take bookings on Clutch' })
export class PartnerApplicationInput {
  @Field(() => String, { description: 'The business name, as customers will see it' })
  name!: string;

  @Field(() => String)
  address!: string;

  @Field(() => GeoPointInput)
  location!: GeoPointInput;

  @Field(() => String)
  phone!: string;

  @Field(() => String, { description: 'IANA time zone, such as Europe/Berlin' })
  timezone!: string;

  @Field(() => [ServiceOfferingInput])
  services!: ServiceOfferingInput[];

  @Field(() => [OpeningHoursInput], { description: 'Weekly, in the centre time zone; several intervals a day allowed' })
  openingHours!: OpeningHoursInput[];

  @Field(() => Int, { description: 'Vehicles it can work on at once, 1 to 50' })
  bays!: number;
}

@ObjectType()
export class PartnerApplication {
  @Field(() => ID)
  id!: string;

  @Field(() => PartnerApplicationStatus)
  status!: PartnerApplicationStatus;

  @Field(() => User)
  applicant!: User;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  address!: string;

  @Field(() => GeoPoint)
  location!: GeoPoint;

  @Field(() => String)
  phone!: string;

  @Field(() => String)
  timezone!: string;

  @Field(() => [ServiceOffering])
  services!: ServiceOffering[];

  @Field(() => [OpeningHours])
  openingHours!: OpeningHours[];

  @Field(() => Int)
  bays!: number;

  @Field(() => String, { nullable: true, description: 'Why it was rejected' })
  reason!: string | null;

  @Field(() => ServiceCentre, { nullable: true, description: 'The centre its approval created' })
  centre!: { id: string } | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  decidedAt!: Date | null;
}

export const PartnerApplicationConnection = ConnectionType(PartnerApplication);
