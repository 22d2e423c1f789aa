import { Directive, Field, Float, ID, ObjectType, registerEnumType } from 'type-graphql';
import type { Severity as SeverityName } from '../../../platform/vocabulary/severity.js';
import { ConnectionType } from '../../../platform/graphql/pagination.js';
import { HealthPart } from '../parts/part-health.type.js';
import type { PartName } from '../parts/part.js';
import { Vehicle } from '../vehicles/vehicle.type.js';
import type { AlertDocument, AlertStatus as AlertStatusName } from './alert.store.js';
import type { HealthAlertEvent } from './alert-events.js';
import { Severity } from './severity.type.js';

export const AlertStatus = {
  OPEN: 'OPEN',
  ACKNOWLEDGED: 'ACKNOWLEDGED',
  RESOLVED: 'RESOLVED',
} as const satisfies Record<AlertStatusName, AlertStatusName>;
registerEnumType(AlertStatus, {
  name: 'AlertStatus',
  description:
    'OPEN → ACKNOWLEDGED (by the owner or staff) → RESOLVED (once the condition has cleared for long enough)',
});

@ObjectType()
export class AlertStatusChange {
  @Field(() => AlertStatus)
  status!: AlertStatusName;

  @Field(() => Date)
  at!: Date;
}

@Directive('@key(fields: "id")')
@ObjectType({ description: 'A health alert: one per vehicle and rule while its condition lasts' })
export class HealthAlert {
  @Field(() => ID)
  id!: string;

  @Field(() => Vehicle)
  vehicle!: Vehicle;

  @Field(() => String, { description: 'The rule that raised it, such as "coolant-overheat"' })
  rule!: string;

  @Field(() => HealthPart, { nullable: true })
  part!: PartName | null;

  @Field(() => Severity)
  severity!: SeverityName;

  @Field(() => AlertStatus)
  status!: AlertStatusName;

  @Field(() => String)
  message!: string;

  @Field(() => Float, { description: 'The value that raised it' })
  value!: number;

  @Field(() => Float)
  threshold!: number;

  @Field(() => Date, { description: 'Event time the condition had lasted long enough to alert' })
  openedAt!: Date;

  @Field(() => Date, { nullable: true })
  acknowledgedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  resolvedAt!: Date | null;

  @Field(() => [AlertStatusChange], { description: 'Oldest first' })
  history!: AlertStatusChange[];
}

export const HealthAlertConnection = ConnectionType(HealthAlert);

export const alertFromDocument = (doc: AlertDocument): HealthAlert => ({
  id: doc._id,
  vehicle: { id: doc.vehicleId },
  rule: doc.rule,
  part: doc.part,
  severity: doc.severity,
  status: doc.status,
  message: doc.message,
  value: doc.value,
  threshold: doc.threshold,
  openedAt: doc.openedAt,
  acknowledgedAt: doc.acknowledgedAt,
  resolvedAt: doc.resolvedAt,
  history: doc.history.map(({ status, at }) => ({ status, at })),
});

const date = (iso: string | null) => (iso === null ? null : new Date(iso));

export const alertFromEvent = (event: HealthAlertEvent): HealthAlert => ({
  id: event.id,
  vehicle: { id: event.vehicleId },
  rule: event.rule,
  part: event.part as PartName | null,
  severity: event.severity as SeverityName,
  status: event.status as AlertStatusName,
  message: event.message,
  value: event.value,
  threshold: event.threshold,
  openedAt: new Date(event.openedAt),
  acknowledgedAt: date(event.acknowledgedAt),
  resolvedAt: date(event.resolvedAt),
  history: event.history.map((h) => ({ status: h.status as AlertStatusName, at: new Date(h.at) })),
});
