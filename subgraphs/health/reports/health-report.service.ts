import { UNRESOLVED, type AlertStore } from '../alerts/alert.store.js';
import { toOpenIssue } from '../alerts/open-issues.js';
import { utcDay } from '../state-machine/reduce.js';
import { assessRoadSafety } from '../estimates/road-safety.js';
import { safetyIssuesOf } from '../estimates/safety-issues.js';
import { recommend } from '../maintenance/recommendations.js';
import { maintenanceSchedule } from '../maintenance/schedule.js';
import { DAY_MS } from '../parts/part.js';
import type { HealthReader } from '../scoring/health-reader.js';
import type { SnapshotStore } from '../scoring/snapshot.store.js';
import { buildHealthReport, type HealthReport } from './health-report.js';

export const REPORT_TREND_DAYS = 30;

export class HealthReportService {
  constructor(
    private readonly reader: HealthReader,
    private readonly alerts: AlertStore,
    private readonly snapshots: SnapshotStore,
  ) {}

  async report(request: object, vehicleId: string): Promise<HealthReport> {
    const { state, assessment, now } = await this.reader.read(request, vehicleId);
    const [open, snapshots] = await Promise.all([
      this.alerts.forVehicle(vehicleId, UNRESOLVED),
      this.snapshots.between(vehicleId, utcDay(now - REPORT_TREND_DAYS * DAY_MS), utcDay(now)),
    ]);
    const openIssues = open.map(toOpenIssue);
    const schedule = maintenanceSchedule(state, assessment.parts, now);
    const safety = assessRoadSafety(safetyIssuesOf(assessment, openIssues));
    return buildHealthReport({
      assessment,
      snapshots,
      openAlerts: openIssues,
      recommendations: recommend(assessment.parts, openIssues, schedule),
      safety: { verdict: safety.verdict, summary: safety.summary },
      schedule,
      now,
    });
  }
}
