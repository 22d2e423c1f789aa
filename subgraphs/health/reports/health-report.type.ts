import { Field, Float, ObjectType, registerEnumType } from 'type-graphql';
import type { Severity as SeverityName } from '../../../platform/vocabulary/severity.js';
import { Severity } from '../alerts/severity.type.js';
import { SafetyVerdict } from '../estimates/estimates.type.js';
import type { SafetyVerdict as SafetyVerdictName } from '../estimates/road-safety.js';
import { MaintenanceItem, Recommendation } from '../maintenance/maintenance.type.js';
import { HealthPart } from '../parts/part-health.type.js';
import type { PartName } from '../parts/part.js';
import type { TrendDirection as TrendDirectionName } from './health-report.js';

export const TrendDirection = {
  IMPROVING: 'IMPROVING',
  STABLE: 'STABLE',
  DECLINING: 'DECLINING',
} as const satisfies Record<TrendDirectionName, TrendDirectionName>;
registerEnumType(TrendDirection, {
  name: 'TrendDirection',
  description: 'The score now against the oldest point of the trend',
});

@ObjectType()
export class ScorePoint {
  @Field(() => String, { description: 'UTC day, YYYY-MM-DD' })
  day!: string;

  @Field(() => Float)
  score!: number;

  @Field(() => String)
  grade!: string;
}

@ObjectType({ description: 'Something wrong with the vehicle, from an open alert, a trouble code or a worn part' })
export class ReportIssue {
  @Field(() => String)
  title!: string;

  @Field(() => Severity)
  severity!: SeverityName;

  @Field(() => HealthPart, { nullable: true })
  part!: PartName | null;

  @Field(() => String, { description: 'ALERT, TROUBLE_CODE or PART' })
  source!: string;
}

@ObjectType()
export class SafetySummary {
  @Field(() => SafetyVerdict)
  verdict!: SafetyVerdictName;

  @Field(() => String)
  summary!: string;
}

@ObjectType({ description: "A vehicle's health report, ready for a dashboard" })
export class HealthReport {
  @Field(() => Date)
  generatedAt!: Date;

  @Field(() => String, { description: 'One line: grade, score and how many issues need attention' })
  headline!: string;

  @Field(() => Float)
  score!: number;

  @Field(() => String)
  grade!: string;

  @Field(() => Float)
  confidence!: number;

  @Field(() => [ScorePoint], { description: 'Daily scores over the last 30 days, oldest first' })
  trend!: ScorePoint[];

  @Field(() => TrendDirection)
  trendDirection!: TrendDirectionName;

  @Field(() => Float, { nullable: true, description: 'Score now minus the oldest score of the trend' })
  scoreChange!: number | null;

  @Field(() => [ReportIssue], { description: 'Most severe first' })
  issues!: ReportIssue[];

  @Field(() => [Recommendation], { description: 'Most urgent first' })
  recommendations!: Recommendation[];

  @Field(() => SafetySummary)
  safety!: SafetySummary;

  @Field(() => MaintenanceItem, { nullable: true, description: 'The most urgent service on the schedule' })
  nextService!: MaintenanceItem | null;
}
