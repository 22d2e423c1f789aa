import type { OpenIssue } from '../maintenance/recommendations.js';
import type { VehicleAssessment } from '../scoring/vehicle-score.js';
import type { SafetyIssue } from './road-safety.js';

/** What bears on driving safely now: critical parts, serious open alerts, serious active codes. */
export function safetyIssuesOf(assessment: VehicleAssessment, openAlerts: readonly OpenIssue[]): SafetyIssue[] {
  const issues: SafetyIssue[] = [];
  for (const part of assessment.parts) {
    if (part.status === 'CRITICAL') {
      issues.push({
        source: 'part',
        severity: 'CRITICAL',
        description: `${part.name}: critical (${part.evidence[0]?.message ?? `score ${part.score}`})`,
      });
    }
  }
  for (const alert of openAlerts) {
    if (alert.severity === 'CRITICAL' || alert.severity === 'HIGH')
      issues.push({ source: 'alert', severity: alert.severity, description: alert.message });
  }
  for (const code of assessment.codes) {
    if (code.status === 'ACTIVE' && (code.severity === 'CRITICAL' || code.severity === 'HIGH')) {
      issues.push({ source: 'code', severity: code.severity, description: `${code.code}: ${code.description}` });
    }
  }
  return issues;
}
