import { Field, Float, ObjectType } from 'type-graphql';
import type { Severity as SeverityName } from '../../../platform/vocabulary/severity.js';
import { Severity } from '../alerts/severity.type.js';
import { HealthPart, PartHealth, PartStatus, toDate, toPartHealth } from '../parts/part-health.type.js';
import type { PartName, PartStatus as PartStatusName } from '../parts/part.js';
import type { VehicleAssessment } from './vehicle-score.js';

@ObjectType({ description: 'An active or pending trouble code as it weighs on the health score' })
export class HealthTroubleCode {
  @Field(() => String)
  code!: string;

  @Field(() => String, { description: 'ACTIVE or PENDING' })
  status!: string;

  @Field(() => Severity)
  severity!: SeverityName;

  @Field(() => String)
  description!: string;
}

@ObjectType({ description: "A vehicle's overall health" })
export class VehicleHealth {
  @Field(() => Float, { description: '0 to 100, from the parts (weighted) less active trouble codes by severity' })
  score!: number;

  @Field(() => String, {
    description: 'A (90+), B (80+), C (70+), D (60+) or F; anything CRITICAL caps the score at 35',
  })
  grade!: string;

  @Field(() => [PartHealth])
  parts!: PartHealth[];

  @Field(() => Float, { description: "0 to 1, the parts' confidences weighted as in the score" })
  confidence!: number;

  @Field(() => [HealthTroubleCode], { description: 'Most severe first' })
  troubleCodes!: HealthTroubleCode[];

  @Field(() => Date)
  evaluatedAt!: Date;

  @Field(() => Date, { nullable: true, description: 'Event time of the newest telemetry health has folded in' })
  dataUntil!: Date | null;
}

/**
 * The API's view of an assessment. Parts, trouble codes and dates are converted when GraphQL
 * first reads them, then kept: a list asking for `score` alone (a page of vehicles through
 * `_entities`) spent 1.5 % of the subgraph process's CPU converting eight parts per vehicle for
 * nothing. Only GraphQL reads it: the lazy fields are getters, not own properties.
 */
class AssessedHealth implements VehicleHealth {
  readonly score: number;
  readonly grade: string;
  readonly confidence: number;
  readonly #assessment: VehicleAssessment;
  #parts: PartHealth[] | undefined;
  #troubleCodes: HealthTroubleCode[] | undefined;
  #evaluatedAt: Date | undefined;
  #dataUntil: Date | null | undefined;

  constructor(assessment: VehicleAssessment) {
    this.score = assessment.score;
    this.grade = assessment.grade;
    this.confidence = assessment.confidence;
    this.#assessment = assessment;
  }

  get parts(): PartHealth[] {
    return (this.#parts ??= this.#assessment.parts.map(toPartHealth));
  }

  get troubleCodes(): HealthTroubleCode[] {
    return (this.#troubleCodes ??= this.#assessment.codes.map(({ code, status, severity, description }) => ({
      code,
      status,
      severity,
      description,
    })));
  }

  get evaluatedAt(): Date {
    return (this.#evaluatedAt ??= new Date(this.#assessment.evaluatedAt));
  }

  get dataUntil(): Date | null {
    if (this.#dataUntil === undefined) this.#dataUntil = toDate(this.#assessment.dataUntil);
    return this.#dataUntil;
  }
}

export const toVehicleHealth = (a: VehicleAssessment): VehicleHealth => new AssessedHealth(a);

@ObjectType()
export class PartSnapshot {
  @Field(() => HealthPart)
  part!: PartName;

  @Field(() => Float)
  score!: number;

  @Field(() => PartStatus)
  status!: PartStatusName;
}

@ObjectType({
  description: "A vehicle's health on one day (the latest of the day, refreshed hourly while data comes in)",
})
export class HealthSnapshot {
  @Field(() => String, { description: 'UTC day, YYYY-MM-DD' })
  day!: string;

  @Field(() => Float)
  score!: number;

  @Field(() => String)
  grade!: string;

  @Field(() => [PartSnapshot])
  parts!: PartSnapshot[];

  @Field(() => Date, { description: 'Event time the snapshot describes' })
  takenAt!: Date;
}
