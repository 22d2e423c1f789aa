import type { PartAssessment } from '../parts/part.js';
import { getMetadataStorage } from 'type-graphql';
import { toVehicleHealth, VehicleHealth } from './vehicle-health.type.js';
import type { VehicleAssessment } from './vehicle-score.js';

const part = (overrides: Partial<PartAssessment>): PartAssessment => ({
  part: 'BRAKES',
  name: 'Brakes',
  score: 62.5,
  status: 'FAIR',
  remainingKm: 8000,
  remainingDays: 120,
  confidence: 0.55,
  evidence: [
    { message: '12000 km driven since the brake service', observedAt: Date.UTC(2026, 5, 1) },
    { message: 'No pad sensor', observedAt: null },
  ],
  updatedAt: Date.UTC(2026, 5, 1),
  ...overrides,
});

const ASSESSMENT: VehicleAssessment = {
  score: 41.5,
  grade: 'F',
  parts: [part({}), part({ part: 'TYRES', name: 'Tyres', evidence: [], updatedAt: null, remainingKm: null })],
  codes: [
    { code: 'P0301', status: 'ACTIVE', severity: 'HIGH', description: 'Cylinder 1 misfire', firstSeenAt: 5 },
    { code: 'P0420', status: 'PENDING', severity: 'MEDIUM', description: 'Catalyst efficiency', firstSeenAt: 7 },
  ],
  confidence: 0.42,
  evaluatedAt: Date.UTC(2026, 5, 2, 12),
  dataUntil: Date.UTC(2026, 5, 2, 11),
};

/** What the API gave before the view was lazy: every part, code and date converted up front. */
const EAGER = {
  score: 41.5,
  grade: 'F',
  parts: ASSESSMENT.parts.map((p) => ({
    ...p,
    evidence: p.evidence.map((e) => ({
      message: e.message,
      observedAt: e.observedAt === null ? null : new Date(e.observedAt),
    })),
    updatedAt: p.updatedAt === null ? null : new Date(p.updatedAt),
  })),
  confidence: 0.42,
  troubleCodes: [
    { code: 'P0301', status: 'ACTIVE', severity: 'HIGH', description: 'Cylinder 1 misfire' },
    { code: 'P0420', status: 'PENDING', severity: 'MEDIUM', description: 'Catalyst efficiency' },
  ],
  evaluatedAt: new Date(Date.UTC(2026, 5, 2, 12)),
  dataUntil: new Date(Date.UTC(2026, 5, 2, 11)),
};

describe('toVehicleHealth', () => {
  it('gives every field of VehicleHealth the value the eager conversion gave', () => {
    const health = toVehicleHealth(ASSESSMENT);
    const fields = getMetadataStorage()
      .fields.filter((f) => f.target === VehicleHealth)
      .map((f) => f.name);
    expect(fields.sort()).toEqual(Object.keys(EAGER).sort());
    for (const name of Object.keys(EAGER) as (keyof typeof EAGER)[]) {
      expect({ name, value: health[name] }).toStrictEqual({ name, value: EAGER[name] });
    }
    expect(toVehicleHealth({ ...ASSESSMENT, dataUntil: null }).dataUntil).toBeNull();
  });

  it('reads no part, trouble code or date of the assessment for a client asking for score and grade', () => {
    const untouchable = (name: string) => () => {
      throw new Error(`${name} read`);
    };
    const assessment = Object.defineProperties(
      { score: 41.5, grade: 'F', confidence: 0.42 },
      {
        parts: { get: untouchable('parts') },
        codes: { get: untouchable('codes') },
        evaluatedAt: { get: untouchable('evaluatedAt') },
        dataUntil: { get: untouchable('dataUntil') },
      },
    ) as VehicleAssessment;
    const health = toVehicleHealth(assessment);
    expect([health.score, health.grade, health.confidence]).toEqual([41.5, 'F', 0.42]);
    expect(() => health.parts).toThrow('parts read');
  });

  it('converts each field once and gives the same value on every read', () => {
    const health = toVehicleHealth(ASSESSMENT);
    expect(health.parts).toBe(health.parts);
    expect(health.troubleCodes).toBe(health.troubleCodes);
    expect(health.evaluatedAt).toBe(health.evaluatedAt);
    expect(health.dataUntil).toBe(health.dataUntil);
    const noData = toVehicleHealth({ ...ASSESSMENT, dataUntil: null });
    expect([noData.dataUntil, noData.dataUntil]).toEqual([null, null]);
  });
});
