import { Field, Float, ObjectType, registerEnumType } from 'type-graphql';
import { PART_NAMES, type PartAssessment, type PartName, type PartStatus as PartStatusName } from './part.js';

export const HealthPart = Object.fromEntries(PART_NAMES.map((p) => [p, p])) as { [K in PartName]: K };
registerEnumType(HealthPart, { name: 'HealthPart', description: 'A part (or system) whose health is modelled' });

export const PartStatus = { GOOD: 'GOOD', FAIR: 'FAIR', POOR: 'POOR', CRITICAL: 'CRITICAL' } as const satisfies Record<
  PartStatusName,
  PartStatusName
>;
registerEnumType(PartStatus, {
  name: 'PartStatus',
  description: 'GOOD: score 75 or more; FAIR: 50 or more; POOR: 25 or more; CRITICAL: below 25, or failing now',
});

@ObjectType({ description: "An observation that moved a part's score" })
export class PartEvidence {
  @Field(() => String)
  message!: string;

  @Field(() => Date, { nullable: true, description: 'When the vehicle measured it, when it is a measurement' })
  observedAt!: Date | null;
}

@ObjectType({ description: 'The modelled health of one part' })
export class PartHealth {
  @Field(() => HealthPart)
  part!: PartName;

  @Field(() => String)
  name!: string;

  @Field(() => Float, { description: '0 (failed) to 100 (as new)' })
  score!: number;

  @Field(() => PartStatus)
  status!: PartStatusName;

  @Field(() => Float, {
    nullable: true,
    description: 'Estimated distance left before service or replacement; null when unknowable',
  })
  remainingKm!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Estimated days left at the current driving rate; null when unknowable',
  })
  remainingDays!: number | null;

  @Field(() => Float, { description: '0 to 1: how much the figures rest on observations rather than defaults' })
  confidence!: number;

  @Field(() => [PartEvidence])
  evidence!: PartEvidence[];

  @Field(() => Date, { nullable: true, description: 'Event time of the newest observation that touched the part' })
  updatedAt!: Date | null;
}

export const toDate = (ms: number | null): Date | null => (ms === null ? null : new Date(ms));

export const toPartHealth = (p: PartAssessment): PartHealth => ({
  ...p,
  evidence: p.evidence.map((e) => ({ message: e.message, observedAt: toDate(e.observedAt) })),
  updatedAt: toDate(p.updatedAt),
});
