import { reduce } from '../../subgraphs/health/state-machine/reduce.js';
import { initialVehicleState } from '../../subgraphs/health/state-machine/vehicle-state.js';
import { SCALES, type SeedScale } from './scales.js';
import { alertsOf, READINGS_PER_UPLOAD, vehicleTimeline } from './timeline.js';

const ANCHOR = new Date('2026-12-05T09:30:00Z');

/** Health's own reducer over the uploads, as its consumer folds telemetry events: the alerts it opens. */
function alertsRaised(scale: SeedScale, rank: number) {
  const timeline = vehicleTimeline(scale, rank, ANCHOR);
  const state = initialVehicleState(`v${rank}`);
  const open = new Set<string>();
  const rules: string[] = [];
  for (const upload of timeline.uploads) {
    const readings = upload.map((r) => ({ ...r, name: '', unit: '' }));
    for (const effect of reduce(state, { kind: 'readings', readings })) {
      if (effect.kind === 'open-alert') {
        open.add(effect.alert.id);
        rules.push(effect.alert.rule);
      }
      if (effect.kind === 'resolve-alert') open.delete(effect.alertId);
    }
  }
  return { timeline, opened: rules.length, stillOpen: open.size, rules: new Set(rules) };
}

describe('seed telemetry histories', () => {
  it('share out exactly the scale’s alerts', () => {
    for (const scale of Object.values(SCALES)) {
      const ranks = Array.from({ length: scale.readingVehicles }, (_, rank) => alertsOf(scale, rank).total);
      expect(ranks.reduce((a, b) => a + b, 0)).toBe(scale.alerts);
    }
  });

  it('raise, through health’s own rules, the alerts they plan and no others (small scale, every vehicle)', () => {
    let opened = 0;
    let stillOpen = 0;
    for (let rank = 0; rank < SCALES.small.readingVehicles; rank++) {
      const result = alertsRaised(SCALES.small, rank);
      expect([rank, result.opened, result.stillOpen]).toEqual([
        rank,
        result.timeline.alerts,
        result.timeline.openAlerts,
      ]);
      opened += result.opened;
      stillOpen += result.stillOpen;
    }
    expect(opened).toBe(SCALES.small.alerts);
    expect(stillOpen).toBe(4);
  });

  it('hold 90 days at seed scale with the planned alerts, in uploads ingestReadings takes', () => {
    for (const rank of [0, 1, 2, 999, 1999]) {
      const result = alertsRaised(SCALES.seed, rank);
      expect([rank, result.opened, result.stillOpen]).toEqual([
        rank,
        result.timeline.alerts,
        result.timeline.openAlerts,
      ]);
      expect(result.rules).toEqual(new Set(['coolant-overheat', 'battery-not-charging']));
      const times = result.timeline.uploads.flat().map((r) => Date.parse(r.recordedAt));
      expect(Math.min(...times)).toBeGreaterThan(ANCHOR.getTime() - 90 * 86_400_000);
      expect(Math.max(...times)).toBeLessThan(ANCHOR.getTime());
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(result.timeline.uploads.every((u) => u.length <= READINGS_PER_UPLOAD && u.length % 5 === 0)).toBe(true);
    }
  });

  it('is the same history every time for a scale, vehicle and anchor', () => {
    expect(vehicleTimeline(SCALES.seed, 42, ANCHOR)).toEqual(vehicleTimeline(SCALES.seed, 42, ANCHOR));
  });
});
