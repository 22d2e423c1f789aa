import { initialVehicleState } from '../state-machine/vehicle-state.js';
import type { DescribedCode } from '../observations/dtc-state.js';
import { PART_NAMES, statusOf } from '../parts/part.js';
import { assessVehicle, gradeOf, vehicleScore } from './vehicle-score.js';

const allParts = (score: number) => PART_NAMES.map((part) => ({ part, score, status: statusOf(score) }));
const code = (severity: DescribedCode['severity'], status: DescribedCode['status'] = 'ACTIVE'): DescribedCode => ({
  code: 'P0000',
  severity,
  status,
  description: '',
  firstSeenAt: 0,
});

describe('vehicleScore', () => {
  it('is the weighted mean of the parts less the active codes by severity (pending ones half)', () => {
    expect(vehicleScore(allParts(90), [])).toEqual({ score: 90, grade: 'A' });
    expect(vehicleScore(allParts(90), [code('HIGH')])).toEqual({ score: 75, grade: 'C' });
    expect(vehicleScore(allParts(90), [code('HIGH', 'PENDING'), code('LOW')])).toEqual({ score: 79.5, grade: 'C' });
  });

  it('weighs safety-relevant parts more', () => {
    const parts = allParts(100).map((p) => (p.part === 'BRAKES' ? { ...p, score: 50, status: statusOf(50) } : p));
    const emissions = allParts(100).map((p) =>
      p.part === 'EMISSIONS' ? { ...p, score: 50, status: statusOf(50) } : p,
    );
    expect(vehicleScore(parts, []).score).toBeLessThan(vehicleScore(emissions, []).score);
  });

  it('caps anything CRITICAL at 35 (grade F), and the code penalty at 60', () => {
    const oneCritical = allParts(100).map((p) => (p.part === 'TYRES' ? { ...p, score: 10, status: statusOf(10) } : p));
    expect(vehicleScore(oneCritical, [])).toEqual({ score: 35, grade: 'F' });
    expect(vehicleScore(allParts(100), [code('CRITICAL')]).score).toBe(35);
    expect(
      vehicleScore(
        allParts(100),
        Array.from({ length: 10 }, () => code('HIGH')),
      ).score,
    ).toBe(40);
  });

  it('grades at 90, 80, 70 and 60', () => {
    expect([95, 90, 85, 75, 65, 59].map(gradeOf)).toEqual(['A', 'A', 'B', 'C', 'D', 'F']);
  });
});

describe('assessVehicle', () => {
  it('gives a vehicle without data a good score with low confidence and every part', () => {
    const assessed = assessVehicle(initialVehicleState('v'), Date.UTC(2025, 0, 1));
    expect(assessed.parts.map((p) => p.part)).toEqual([...PART_NAMES]);
    expect(assessed.grade).toBe('A');
    expect(assessed.confidence).toBeLessThan(0.35);
    expect(assessed.dataUntil).toBeNull();
  });
});
