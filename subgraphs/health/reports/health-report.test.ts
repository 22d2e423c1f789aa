import { initialVehicleState } from '../state-machine/vehicle-state.js';
import { applyDtcReport } from '../observations/dtc-state.js';
import { assessVehicle } from '../scoring/vehicle-score.js';
import { at } from '../testing/readings.js';
import { buildHealthReport } from './health-report.js';

const report = (snapshots: { day: string; score: number; grade: string }[], codes: string[] = []) => {
  const state = initialVehicleState('v');
  applyDtcReport(state.dtcs, 'confirmed', codes, at(0));
  return buildHealthReport({
    assessment: assessVehicle(state, at(0)),
    snapshots,
    openAlerts: codes.length
      ? [{ rule: 'ignition-misfire', part: 'IGNITION', severity: 'HIGH', message: 'Engine misfire' }]
      : [],
    recommendations: [],
    safety: { verdict: 'SAFE', summary: 'Safe to drive' },
    schedule: [],
    now: at(0),
  });
};

describe('buildHealthReport', () => {
  it('has a headline, a trend and its direction', () => {
    const healthy = report([
      { day: '2025-05-01', score: 80, grade: 'B' },
      { day: '2025-05-02', score: 85, grade: 'B' },
    ]);
    expect(healthy.headline).toMatch(/^Grade A \(\d+(\.\d)?\/100\): no issues found$/);
    expect(healthy.trendDirection).toBe('IMPROVING');
    expect(healthy.trend).toHaveLength(2);
    expect(report([]).trendDirection).toBe('STABLE');
    expect(report([]).scoreChange).toBeNull();
  });

  it('lists issues from alerts, codes and parts, most severe first', () => {
    const sick = report([{ day: '2025-05-01', score: 95, grade: 'A' }], ['P0301', 'P0133']);
    expect(sick.issues.map((i) => [i.source, i.severity])).toEqual([
      ['ALERT', 'HIGH'],
      ['TROUBLE_CODE', 'HIGH'],
      ['PART', 'HIGH'],
      ['TROUBLE_CODE', 'LOW'],
    ]);
    expect(sick.headline).toMatch(/3 issue\(s\) need attention/);
    expect(sick.trendDirection).toBe('DECLINING');
  });
});
