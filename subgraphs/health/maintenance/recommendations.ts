import type { Severity } from '../../../platform/vocabulary/severity.js';
import type { PartAssessment, PartName } from '../parts/part.js';
import { partName } from '../parts/part-models.js';
import { CONDITION_PART, URGENCY_RANK, type ScheduleItem, type Urgency } from './schedule.js';
import type { ServiceKind } from './service-kind.js';

export interface Recommendation {
  title: string;
  reason: string;
  urgency: Urgency;
  part: PartName | null;
  service: ServiceKind | null;
}

export interface OpenIssue {
  rule: string;
  part: PartName | null;
  severity: Severity;
  message: string;
}

const ALERT_URGENCY: Record<Severity, Urgency> = {
  CRITICAL: 'IMMEDIATE',
  HIGH: 'SOON',
  MEDIUM: 'SOON',
  LOW: 'ROUTINE',
  INFO: 'ROUTINE',
};

/**
 * What to do about the vehicle, most urgent first, one recommendation per part or service:
 * open alerts first (they are what is wrong now), then worn parts, then services falling due.
 */
export function recommend(
  parts: readonly PartAssessment[],
  alerts: readonly OpenIssue[],
  schedule: readonly ScheduleItem[],
): Recommendation[] {
  const out: Recommendation[] = [];
  const covered = new Set<string>();
  /** One recommendation per part (a service counts as its part's): the first, most telling, wins. */
  const add = (r: Recommendation) => {
    const key = r.part ?? (r.service && CONDITION_PART[r.service]) ?? r.service ?? r.title;
    if (covered.has(key)) return;
    covered.add(key);
    out.push(r);
  };
  for (const alert of alerts) {
    const title =
      alert.severity === 'CRITICAL'
        ? 'Stop driving and get help'
        : `Have the ${alert.part ? partName(alert.part).toLowerCase() : 'vehicle'} checked`;
    add({ title, reason: alert.message, urgency: ALERT_URGENCY[alert.severity], part: alert.part, service: null });
  }
  for (const part of parts) {
    if (part.status === 'GOOD') continue;
    const urgency: Urgency = part.status === 'CRITICAL' ? 'IMMEDIATE' : part.status === 'POOR' ? 'SOON' : 'ROUTINE';
    add({
      title: `Have the ${part.name.toLowerCase()} checked`,
      reason: `${part.name} ${part.status.toLowerCase()} (score ${part.score}): ${part.evidence[0]?.message ?? 'worn'}`,
      urgency,
      part: part.part,
      service: null,
    });
  }
  for (const item of schedule) {
    if (item.urgency === 'ROUTINE') continue;
    add({
      title: `${item.title} ${item.urgency === 'IMMEDIATE' ? 'overdue' : 'due soon'}`,
      reason: item.reason,
      urgency: item.urgency,
      part: null,
      service: item.kind,
    });
  }
  return out.sort((a, b) => URGENCY_RANK[a.urgency] - URGENCY_RANK[b.urgency]);
}
