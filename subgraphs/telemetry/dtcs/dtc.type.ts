import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionType } from '../../../platform/graphql/pagination.js';
import { Severity } from '../../../platform/graphql/severity.type.js';
import type { Severity as SeverityName } from '../../../platform/vocabulary/severity.js';
import type { DtcStatus as DtcStatusName } from './dtc-status.js';
import { Vehicle } from '../vehicles/vehicle.type.js';

export const DtcStatus = { ACTIVE: 'ACTIVE', PENDING: 'PENDING', CLEARED: 'CLEARED' } as const satisfies Record<
  DtcStatusName,
  DtcStatusName
>;
registerEnumType(DtcStatus, {
  name: 'DtcStatus',
  description:
    'ACTIVE: confirmed (mode 03) or permanent (0A); PENDING: failed once, not yet confirmed (07); CLEARED: cleared with mode 04',
});

@ObjectType({ description: 'A status change of a trouble code' })
export class DtcStatusChange {
  @Field(() => DtcStatus)
  status!: DtcStatusName;

  @Field(() => Date)
  at!: Date;
}

@ObjectType({ description: 'A diagnostic trouble code the vehicle reported' })
export class Dtc {
  @Field(() => String, { description: 'SAE J2012 code, such as "P0301"' })
  code!: string;

  @Field(() => DtcStatus)
  status!: DtcStatusName;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => Severity, { nullable: true })
  severity?: SeverityName | null;

  @Field(() => Date)
  firstSeenAt!: Date;

  @Field(() => Date)
  lastSeenAt!: Date;

  @Field(() => Date, { nullable: true, description: 'Set while the code is CLEARED' })
  clearedAt?: Date | null;

  @Field(() => [DtcStatusChange], { description: 'Oldest first; kept when the code is cleared' })
  history!: DtcStatusChange[];
}

export const DtcConnection = ConnectionType(Dtc);

@ObjectType()
export class ClearDtcsResult {
  @Field(() => Int, { description: 'Active and pending codes that became CLEARED' })
  clearedCount!: number;

  @Field(() => Date)
  clearedAt!: Date;

  @Field(() => Vehicle)
  vehicle!: Vehicle;
}
