import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Severity } from '../alerts/severity.type.js';
import { HealthPart } from '../parts/part-health.type.js';
import type { PartName } from '../parts/part.js';
import type { InsuranceRiskLevel as InsuranceRiskLevelName } from './insurance.js';
import type { SafetyVerdict as SafetyVerdictName } from './road-safety.js';

export const InsuranceRiskLevel = { LOW: 'LOW', MODERATE: 'MODERATE', HIGH: 'HIGH' } as const satisfies Record<
  InsuranceRiskLevelName,
  InsuranceRiskLevelName
>;
registerEnumType(InsuranceRiskLevel, {
  name: 'InsuranceRiskLevel',
  description: 'How a usage-based insurer would likely rate the vehicle (an estimate)',
});

export const SafetyVerdict = { SAFE: 'SAFE', CAUTION: 'CAUTION', NOT_SAFE: 'NOT_SAFE' } as const satisfies Record<
  SafetyVerdictName,
  SafetyVerdictName
>;
registerEnumType(SafetyVerdict, {
  name: 'SafetyVerdict',
  description: 'NOT_SAFE: a CRITICAL issue ("not safe to drive"); CAUTION: HIGH issues; SAFE: neither',
});

@ObjectType({ description: 'A figure an estimate was computed from' })
export class EstimateInput {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  value!: string;
}

@ObjectType({ description: 'An estimate of how a usage-based insurer would see the vehicle (not a quote)' })
export class InsuranceImpact {
  @Field(() => Boolean, { description: 'Always true: this is an estimate' })
  isEstimate!: boolean;

  @Field(() => InsuranceRiskLevel)
  riskLevel!: InsuranceRiskLevelName;

  @Field(() => Float, { description: 'Indicative premium change in percent (negative: a discount)' })
  premiumChangePercent!: number;

  @Field(() => String)
  summary!: string;

  @Field(() => String, { description: 'How it was estimated' })
  method!: string;

  @Field(() => [EstimateInput])
  inputs!: EstimateInput[];
}

@ObjectType({ description: 'An estimate of how condition moves resale value (not a valuation)' })
export class ResaleImpact {
  @Field(() => Boolean, { description: 'Always true: this is an estimate' })
  isEstimate!: boolean;

  @Field(() => Float, { description: 'Against a typical vehicle of the same make, model and age, in percent' })
  valueChangePercent!: number;

  @Field(() => String)
  summary!: string;

  @Field(() => String)
  method!: string;

  @Field(() => [EstimateInput])
  inputs!: EstimateInput[];
}

@ObjectType()
export class WarrantyItem {
  @Field(() => String)
  name!: string;

  @Field(() => Int)
  years!: number;

  @Field(() => Int)
  km!: number;

  @Field(() => Date, { nullable: true, description: 'Null when the model year is unknown' })
  expiresAt!: Date | null;

  @Field(() => Float, { nullable: true })
  daysLeft!: number | null;

  @Field(() => Float, { nullable: true, description: 'Null when no odometer reading is known' })
  kmLeft!: number | null;

  @Field(() => Boolean, { nullable: true, description: 'Null when it cannot be told' })
  covered!: boolean | null;
}

@ObjectType({
  description: 'An estimate of factory warranty coverage from a table of typical terms (not a warranty decision)',
})
export class WarrantyCoverage {
  @Field(() => Boolean, { description: 'Always true: this is an estimate' })
  isEstimate!: boolean;

  @Field(() => String, { nullable: true })
  make!: string | null;

  @Field(() => Int, { nullable: true })
  modelYear!: number | null;

  @Field(() => Float, { nullable: true })
  odometerKm!: number | null;

  @Field(() => [WarrantyItem])
  items!: WarrantyItem[];

  @Field(() => String)
  summary!: string;

  @Field(() => String)
  method!: string;

  @Field(() => [EstimateInput])
  inputs!: EstimateInput[];
}

@ObjectType()
export class SafetyIssue {
  @Field(() => String, { description: 'part, alert or code' })
  source!: string;

  @Field(() => Severity, { description: 'HIGH or CRITICAL' })
  severity!: 'HIGH' | 'CRITICAL';

  @Field(() => String)
  description!: string;
}

@ObjectType({
  description: 'Whether the vehicle is safe to drive, from what health knows (not a roadworthiness inspection)',
})
export class RoadSafety {
  @Field(() => Boolean, { description: 'Always true: this is an estimate' })
  isEstimate!: boolean;

  @Field(() => SafetyVerdict)
  verdict!: SafetyVerdictName;

  @Field(() => Boolean)
  safeToDrive!: boolean;

  @Field(() => [SafetyIssue])
  issues!: SafetyIssue[];

  @Field(() => String, { description: 'Such as "Not safe to drive"' })
  summary!: string;

  @Field(() => String)
  method!: string;

  @Field(() => [EstimateInput])
  inputs!: EstimateInput[];
}

@ObjectType()
export class CommonIssue {
  @Field(() => HealthPart)
  part!: PartName;

  @Field(() => Float, { description: 'Share of similar vehicles with the part POOR or CRITICAL, in percent' })
  sharePercent!: number;
}

@ObjectType({
  description: 'How the vehicle compares with others of the same make, model and year (aggregates only, no owner data)',
})
export class SimilarVehicles {
  @Field(() => Boolean, { description: 'Always true: this is an estimate' })
  isEstimate!: boolean;

  @Field(() => String, { nullable: true })
  make!: string | null;

  @Field(() => String, { nullable: true })
  model!: string | null;

  @Field(() => Int, { nullable: true })
  year!: number | null;

  @Field(() => Int, { description: 'Similar vehicles compared with; 0 when too few to show any figure' })
  sampleSize!: number;

  @Field(() => Float, { nullable: true })
  averageScore!: number | null;

  @Field(() => Float, { nullable: true })
  medianScore!: number | null;

  @Field(() => Float, { nullable: true, description: 'Share of similar vehicles with a lower score, in percent' })
  betterThanPercent!: number | null;

  @Field(() => [CommonIssue])
  commonIssues!: CommonIssue[];

  @Field(() => String)
  summary!: string;

  @Field(() => String)
  method!: string;

  @Field(() => [EstimateInput])
  inputs!: EstimateInput[];
}

/** Resolved field by field (see HealthEstimatesResolver): a client pays only for what it selects. */
@ObjectType({
  description: "Estimates derived from the vehicle's health: each says it is one, how it was made and from what",
})
export class HealthEstimates {
  /** Not in the schema: whose estimates these are. */
  vehicleId!: string;

  @Field(() => InsuranceImpact)
  insurance!: InsuranceImpact;

  @Field(() => ResaleImpact)
  resale!: ResaleImpact;

  @Field(() => WarrantyCoverage)
  warranty!: WarrantyCoverage;

  @Field(() => RoadSafety)
  roadSafety!: RoadSafety;

  @Field(() => SimilarVehicles)
  similarVehicles!: SimilarVehicles;
}
