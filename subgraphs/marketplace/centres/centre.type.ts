import { Directive, Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionType } from '../../../platform/graphql/pagination.js';
import { User } from './user.type.js';

export enum ServiceKind {
  OIL_CHANGE = 'OIL_CHANGE',
  BRAKES = 'BRAKES',
  BATTERY = 'BATTERY',
  TYRES = 'TYRES',
  DIAGNOSTICS = 'DIAGNOSTICS',
  COOLING = 'COOLING',
  GENERAL_SERVICE = 'GENERAL_SERVICE',
  ROADSIDE = 'ROADSIDE',
}
registerEnumType(ServiceKind, { name: 'ServiceKind', description: 'What a service centre offers' });

/** ISO weekdays, Monday first (luxon's `weekday` 1-7). */
export enum Weekday {
  MONDAY = 'MONDAY',
  TUESDAY = 'TUESDAY',
  WEDNESDAY = 'WEDNESDAY',
  THURSDAY = 'THURSDAY',
  FRIDAY = 'FRIDAY',
  SATURDAY = 'SATURDAY',
  SUNDAY = 'SUNDAY',
}
registerEnumType(Weekday, { name: 'Weekday' });

export enum CentreRole {
  OWNER = 'OWNER',
  STAFF = 'STAFF',
}
registerEnumType(CentreRole, { name: 'CentreRole', description: "A member's part in a service centre" });

/** Also the input GeoPointInput: the same fields both ways, so one class declares both types. */
@ObjectType({ description: 'WGS 84 degrees' })
@InputType('GeoPointInput', { description: 'WGS 84 degrees: lat -90 to 90, lng -180 to 180' })
export class GeoPoint {
  @Field(() => Float)
  lat!: number;

  @Field(() => Float)
  lng!: number;
}
export { GeoPoint as GeoPointInput };

@ObjectType({ description: 'A service a centre offers, at a price (minor units of an ISO 4217 currency)' })
export class ServiceOffering {
  @Field(() => ServiceKind)
  kind!: ServiceKind;

  @Field(() => Int, { description: 'In minor units: 4999 is 49.99 EUR' })
  priceMinor!: number;

  @Field(() => String, { description: 'ISO 4217, upper case' })
  currency!: string;

  @Field(() => Int)
  durationMinutes!: number;
}

@InputType()
export class ServiceOfferingInput {
  @Field(() => ServiceKind)
  kind!: ServiceKind;

  @Field(() => Int, { description: 'In minor units, 0 to 10,000,000' })
  priceMinor!: number;

  @Field(() => String, { description: 'ISO 4217 code, such as EUR' })
  currency!: string;

  @Field(() => Int, { description: '5 to 720 minutes' })
  durationMinutes!: number;
}

/** Also the input OpeningHoursInput (as GeoPoint is GeoPointInput). */
@ObjectType({ description: "One opening interval on a weekday, in the centre's local time" })
@InputType('OpeningHoursInput')
export class OpeningHours {
  @Field(() => Weekday)
  day!: Weekday;

  @Field(() => String, { description: 'HH:MM, local time' })
  opens!: string;

  @Field(() => String, { description: 'HH:MM, local time, after opens; 24:00 for midnight' })
  closes!: string;
}
export { OpeningHours as OpeningHoursInput };

@ObjectType({ description: 'Days the centre is closed (a holiday), local dates, both included' })
export class Closure {
  @Field(() => String, { description: 'YYYY-MM-DD' })
  from!: string;

  @Field(() => String, { description: 'YYYY-MM-DD, on or after from' })
  to!: string;

  @Field(() => String, { nullable: true })
  reason!: string | null;
}

@InputType()
export class ClosureInput {
  @Field(() => String, { description: 'YYYY-MM-DD' })
  from!: string;

  @Field(() => String, { description: 'YYYY-MM-DD, on or after from (at most 366 days)' })
  to!: string;

  @Field(() => String, { nullable: true })
  reason?: string | null;
}

@ObjectType()
export class Rating {
  @Field(() => Float, { description: '1 to 5; 0 while there is no review' })
  average!: number;

  @Field(() => Int)
  count!: number;
}

@ObjectType()
export class CentreMember {
  @Field(() => User)
  user!: User;

  @Field(() => CentreRole)
  role!: CentreRole;

  @Field(() => Date)
  addedAt!: Date;
}

@Directive('@key(fields: "id")')
@ObjectType({ description: 'A garage or workshop that takes bookings' })
export class ServiceCentre {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  address!: string;

  @Field(() => String)
  phone!: string;

  @Field(() => GeoPoint)
  location!: GeoPoint;

  @Field(() => Float, {
    nullable: true,
    description: 'Great-circle distance from the search point, set by serviceCentres',
  })
  distanceKm!: number | null;

  @Field(() => String, { description: 'IANA time zone, such as Europe/Berlin' })
  timezone!: string;

  @Field(() => [ServiceOffering])
  services!: ServiceOffering[];

  @Field(() => [OpeningHours], { description: 'Weekly, in the centre time zone' })
  openingHours!: OpeningHours[];

  @Field(() => [Closure])
  closures!: Closure[];

  @Field(() => Int, { description: 'How many vehicles it can work on at once' })
  bays!: number;

  @Field(() => Rating)
  rating!: Rating;

  /** `openNow` and `members` are resolved by CentreFieldsResolver. */
  memberIds!: string[];
}

export const ServiceCentreConnection = ConnectionType(ServiceCentre);

@ObjectType({ description: 'A bookable slot: start and end instants' })
export class Slot {
  @Field(() => Date)
  start!: Date;

  @Field(() => Date)
  end!: Date;
}

@InputType({ description: 'A partner’s edit of their centre: omitted fields stay; lists replace the old ones' })
export class UpdateServiceCentreInput {
  @Field(() => String, { nullable: true })
  name?: string;

  @Field(() => String, { nullable: true })
  address?: string;

  @Field(() => String, { nullable: true })
  phone?: string;

  @Field(() => String, { nullable: true, description: 'IANA time zone' })
  timezone?: string;

  @Field(() => [ServiceOfferingInput], { nullable: true, description: 'Services and prices' })
  services?: ServiceOfferingInput[];

  @Field(() => [OpeningHours], { nullable: true })
  openingHours?: OpeningHours[];

  @Field(() => [ClosureInput], { nullable: true, description: 'Holidays and other closures' })
  closures?: ClosureInput[];

  @Field(() => Int, { nullable: true })
  bays?: number;
}
