import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionType } from '../../platform/graphql/pagination.js';

export enum IncidentStatus {
  OPEN = 'OPEN',
  ACKNOWLEDGED = 'ACKNOWLEDGED',
  RESOLVED = 'RESOLVED',
}
registerEnumType(IncidentStatus, {
  name: 'IncidentStatus',
  description: 'OPEN until an admin acknowledges it; RESOLVED by an admin, or by the loop when the condition clears',
});

@ObjectType({
  description:
    'An incident the team opened for people to follow up: one per trigger and subject until resolved, however often it fires',
})
export class Incident {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true, description: 'The trigger that opened it (null for one opened by hand)' })
  triggerKind?: string | null;

  @Field(() => String, { nullable: true, description: 'What the trigger was about: global, or a goal' })
  subject?: string | null;

  @Field(() => String)
  title!: string;

  @Field(() => String, { description: 'LOW, MEDIUM, HIGH or CRITICAL; a repeat never lowers it' })
  severity!: string;

  @Field(() => String, { description: 'The latest firing’s summary' })
  summary!: string;

  @Field(() => ID, { description: 'The decision that opened it' })
  decisionId!: string;

  @Field(() => [ID], { description: 'Every decision that opened or repeated it, oldest first' })
  decisionIds!: string[];

  @Field(() => Int, { description: 'Firings it stands for' })
  occurrences!: number;

  @Field(() => IncidentStatus)
  status!: IncidentStatus;

  @Field(() => Date)
  openedAt!: Date;

  @Field(() => Date)
  lastSeenAt!: Date;

  @Field(() => Date, { nullable: true })
  acknowledgedAt?: Date | null;

  @Field(() => ID, { nullable: true })
  acknowledgedBy?: string | null;

  @Field(() => Date, { nullable: true })
  resolvedAt?: Date | null;

  @Field(() => String, {
    nullable: true,
    description: 'The admin who resolved it, or "system" when the condition cleared',
  })
  resolvedBy?: string | null;

  @Field(() => String, { nullable: true })
  resolution?: string | null;
}

export const IncidentConnection = ConnectionType(Incident);
