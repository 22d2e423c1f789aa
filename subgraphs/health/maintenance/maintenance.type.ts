import { Field, Float, ID, ObjectType, registerEnumType } from 'type-graphql';
import { HealthPart } from '../parts/part-health.type.js';
import type { PartName } from '../parts/part.js';
import { Vehicle } from '../vehicles/vehicle.type.js';
import type { Recommendation as RecommendationData } from './recommendations.js';
import type { ScheduleItem, Urgency as UrgencyName } from './schedule.js';
import { SERVICE_KIND_INFO, SERVICE_KINDS, type ServiceKind as ServiceKindName } from './service-kind.js';
import type { ServiceRecordDocument } from './service-record.store.js';

export const ServiceKind = Object.fromEntries(SERVICE_KINDS.map((k) => [k, k])) as { [K in ServiceKindName]: K };
// Named MaintenanceKind in the API: `ServiceKind` is the marketplace's (what a centre offers, DESIGN.md).
registerEnumType(ServiceKind, {
  name: 'MaintenanceKind',
  description: 'A maintenance job; recording one renews the models it affects',
  valuesConfig: Object.fromEntries(
    SERVICE_KINDS.map((k) => [
      k,
      {
        description: `${SERVICE_KIND_INFO[k].title}${SERVICE_KIND_INFO[k].renews.length ? `: renews ${SERVICE_KIND_INFO[k].renews.join(', ')}` : ''}`,
      },
    ]),
  ),
});

export const Urgency = { IMMEDIATE: 'IMMEDIATE', SOON: 'SOON', ROUTINE: 'ROUTINE' } as const satisfies Record<
  UrgencyName,
  UrgencyName
>;
registerEnumType(Urgency, {
  name: 'Urgency',
  description: 'IMMEDIATE: now or overdue; SOON: within about a month or 1,000 km; ROUTINE: plan for it',
});

@ObjectType({ description: 'A service recorded for a vehicle' })
export class ServiceRecord {
  @Field(() => ID)
  id!: string;

  @Field(() => Vehicle)
  vehicle!: Vehicle;

  @Field(() => ServiceKind)
  kind!: ServiceKindName;

  @Field(() => Date, { description: 'When the service was done' })
  at!: Date;

  @Field(() => Float, { nullable: true })
  odometerKm!: number | null;

  @Field(() => Date)
  recordedAt!: Date;
}

export const toServiceRecord = (doc: ServiceRecordDocument): ServiceRecord => ({
  id: doc._id.toHexString(),
  vehicle: { id: doc.vehicleId },
  kind: doc.kind,
  at: doc.at,
  odometerKm: doc.odometerKm,
  recordedAt: doc.recordedAt,
});

@ObjectType({
  description: 'When a service is due: by distance and time since it was last done, brought forward by part condition',
})
export class MaintenanceItem {
  @Field(() => ServiceKind)
  kind!: ServiceKindName;

  @Field(() => String)
  title!: string;

  @Field(() => Date, { nullable: true })
  lastDoneAt!: Date | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Odometer reading it is due at; null until an odometer reading is recorded',
  })
  dueAtKm!: number | null;

  @Field(() => Float, { nullable: true })
  dueInKm!: number | null;

  @Field(() => Date, { nullable: true })
  dueAt!: Date | null;

  @Field(() => Float, { nullable: true })
  dueInDays!: number | null;

  @Field(() => Urgency)
  urgency!: UrgencyName;

  @Field(() => String)
  reason!: string;
}

export const toMaintenanceItem = (item: ScheduleItem): MaintenanceItem => ({
  ...item,
  lastDoneAt: item.lastDoneAt === null ? null : new Date(item.lastDoneAt),
  dueAt: item.dueAt === null ? null : new Date(item.dueAt),
});

@ObjectType({ description: 'Something to do about the vehicle, with why and how urgently' })
export class Recommendation {
  @Field(() => String)
  title!: string;

  @Field(() => String)
  reason!: string;

  @Field(() => Urgency)
  urgency!: UrgencyName;

  @Field(() => HealthPart, { nullable: true })
  part!: PartName | null;

  @Field(() => ServiceKind, { nullable: true })
  service!: ServiceKindName | null;
}

export const toRecommendation = (r: RecommendationData): Recommendation => ({ ...r });

@ObjectType({ description: "A vehicle's predictive maintenance plan" })
export class MaintenancePlan {
  @Field(() => [MaintenanceItem], { description: 'Most urgent first' })
  schedule!: MaintenanceItem[];

  @Field(() => [Recommendation], { description: 'Most urgent first' })
  recommendations!: Recommendation[];

  @Field(() => [ServiceRecord], { description: 'Newest first' })
  services!: ServiceRecord[];

  @Field(() => Float, {
    nullable: true,
    description: 'The last recorded odometer reading plus the distance driven since; null until one is recorded',
  })
  odometerKm!: number | null;

  @Field(() => Float, { description: 'Distance health has tracked from telemetry' })
  trackedKm!: number;
}
