import type { Severity } from '../../../platform/vocabulary/severity.js';
import type { SafetyVerdict } from '../estimates/road-safety.js';
import type { OpenIssue, Recommendation } from '../maintenance/recommendations.js';
import type { ScheduleItem } from '../maintenance/schedule.js';
import { SEVERITY_RANK } from '../observations/dtc-state.js';
import { round, type PartName } from '../parts/part.js';
import type { VehicleAssessment } from '../scoring/vehicle-score.js';

export type TrendDirection = 'IMPROVING' | 'STABLE' | 'DECLINING';

export interface ReportIssue {
  title: string;
  severity: Severity;
  part: PartName | null;
  source: 'ALERT' | 'PART' | 'TROUBLE_CODE';
}

export interface HealthReport {
  generatedAt: number;
  headline: string;
  score: number;
  grade: string;
  confidence: number;
  trend: { day: string; score: number; grade: string }[];
  trendDirection: TrendDirection;
  /** Score now minus the oldest score in the trend; null without history. */
  scoreChange: number | null;
  issues: ReportIssue[];
  recommendations: Recommendation[];
  safety: { verdict: SafetyVerdict; summary: string };
  nextService: ScheduleItem | null;
}

/** A change smaller than this over the window is noise, not a trend. */
const TREND_POINTS = 3;

const PART_SEVERITY: Record<string, Severity | null> = { GOOD: null, FAIR: 'LOW', POOR: 'HIGH', CRITICAL: 'CRITICAL' };

/** Everything a dashboard shows about one vehicle, in one object (pure). */
export function buildHealthReport(input: {
  assessment: VehicleAssessment;
  snapshots: readonly { day: string; score: number; grade: string }[];
  openAlerts: readonly OpenIssue[];
  recommendations: Recommendation[];
  safety: { verdict: SafetyVerdict; summary: string };
  schedule: readonly ScheduleItem[];
  now: number;
}): HealthReport {
  const { assessment, snapshots } = input;
  const trend = snapshots.map(({ day, score, grade }) => ({ day, score, grade }));
  const scoreChange = trend.length > 0 ? round(assessment.score - trend[0].score) : null;
  const trendDirection: TrendDirection =
    scoreChange === null || Math.abs(scoreChange) < TREND_POINTS
      ? 'STABLE'
      : scoreChange > 0
        ? 'IMPROVING'
        : 'DECLINING';

  const issues: ReportIssue[] = [
    ...input.openAlerts.map((a) => ({
      title: a.message,
      severity: a.severity,
      part: a.part,
      source: 'ALERT' as const,
    })),
    ...assessment.codes.map((c) => ({
      title: `${c.code}: ${c.description}${c.status === 'PENDING' ? ' (pending)' : ''}`,
      severity: c.severity,
      part: null,
      source: 'TROUBLE_CODE' as const,
    })),
    ...assessment.parts.flatMap((p) => {
      const severity = PART_SEVERITY[p.status];
      return severity
        ? [
            {
              title: `${p.name}: ${p.status.toLowerCase()} (score ${p.score})`,
              severity,
              part: p.part,
              source: 'PART' as const,
            },
          ]
        : [];
    }),
  ].sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]);

  const serious = issues.filter((i) => SEVERITY_RANK[i.severity] >= SEVERITY_RANK.HIGH).length;
  const headline = `Grade ${assessment.grade} (${assessment.score}/100): ${
    serious > 0 ? `${serious} issue(s) need attention` : issues.length > 0 ? 'minor issues only' : 'no issues found'
  }`;
  return {
    generatedAt: input.now,
    headline,
    score: assessment.score,
    grade: assessment.grade,
    confidence: assessment.confidence,
    trend,
    trendDirection,
    scoreChange,
    issues,
    recommendations: input.recommendations,
    safety: input.safety,
    nextService: input.schedule[0] ?? null,
  };
}
