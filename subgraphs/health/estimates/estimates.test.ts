import { DAY_MS } from '../parts/part.js';
import { compareWithPeers, MIN_PEERS } from './comparison.js';
import { estimateInsurance } from './insurance.js';
import { estimateResale } from './resale.js';
import { assessRoadSafety } from './road-safety.js';
import { estimateWarranty } from './warranty.js';
import { termsFor } from './warranty-table.js';

const NOW = Date.UTC(2025, 5, 1);

describe('warranty coverage', () => {
  it("uses the make's terms from the model year, ending at whichever of time or distance runs out first", () => {
    const hyundai = estimateWarranty('Hyundai', 2022, 70_000, NOW);
    expect(hyundai.items.map((i) => [i.name, i.covered, i.kmLeft])).toEqual([
      ['Basic (bumper to bumper)', true, 30_000],
      ['Powertrain', true, 90_000],
    ]);
    expect(hyundai.items[0].expiresAt).toBe(Date.UTC(2027, 0, 1));
    expect(hyundai.summary).toMatch(/Probably still covered: basic/);
    const worn = estimateWarranty('Honda', 2023, 120_000, NOW);
    expect(worn.items.every((i) => i.covered === false)).toBe(true);
    expect(worn.summary).toBe('The factory warranty has probably expired');
  });

  it('says what it cannot tell, and shows its inputs and that it is an estimate', () => {
    const unknown = estimateWarranty('Lada', null, null, NOW);
    expect(unknown.items.every((i) => i.covered === null && i.expiresAt === null)).toBe(true);
    expect(unknown.inputs).toContainEqual({ name: 'Warranty table', value: 'typical terms (make not listed)' });
    expect(unknown.inputs).toContainEqual({ name: 'Odometer', value: 'unknown' });
    expect(unknown.method).toMatch(/^Estimate/);
    expect(termsFor(' VW ').listed).toBe(true);
    expect(estimateWarranty('Tesla', 2024, 1000, NOW).items.map((i) => i.name)).toContain('High-voltage battery');
  });
});

describe('insurance and resale impact', () => {
  const base = {
    healthScore: 85,
    hardStopsPer100Km: 0.5,
    overheatingEpisodes: 0,
    criticalAlerts90Days: 0,
    kmPerDay: 40,
    kmPerDayMeasured: true,
  };

  it('rates hard braking, condition and incidents as an insurer would', () => {
    expect(estimateInsurance(base)).toMatchObject({ riskLevel: 'LOW', premiumChangePercent: 1 });
    expect(estimateInsurance({ ...base, hardStopsPer100Km: 4, criticalAlerts90Days: 1 })).toMatchObject({
      riskLevel: 'HIGH',
      premiumChangePercent: 11,
    });
    expect(estimateInsurance({ ...base, healthScore: 95, hardStopsPer100Km: 0, kmPerDay: 10 })).toMatchObject({
      premiumChangePercent: -5,
    });
    expect(estimateInsurance(base).inputs.map((i) => i.name)).toEqual([
      'Health score',
      'Hard braking per 100 km',
      'Critical alerts, last 90 days',
      'Overheating episodes',
      'Distance per day',
    ]);
  });

  it('moves resale value with condition, serious faults and service history, within bounds', () => {
    const healthy = {
      healthScore: 96,
      seriousOpenIssues: 0,
      servicesRecorded: 3,
      kmPerDay: 30,
      kmPerDayMeasured: true,
    };
    expect(estimateResale(healthy).valueChangePercent).toBe(6);
    expect(
      estimateResale({ ...healthy, healthScore: 30, seriousOpenIssues: 5, servicesRecorded: 0, kmPerDay: 90 })
        .valueChangePercent,
    ).toBe(-25);
  });
});

describe('road safety', () => {
  it('is "not safe to drive" with any CRITICAL issue, caution with HIGH ones, safe otherwise', () => {
    expect(assessRoadSafety([])).toMatchObject({ verdict: 'SAFE', safeToDrive: true, summary: 'Safe to drive' });
    expect(assessRoadSafety([{ source: 'code', severity: 'HIGH', description: 'P0301' }])).toMatchObject({
      verdict: 'CAUTION',
      safeToDrive: true,
    });
    const critical = assessRoadSafety([
      { source: 'code', severity: 'HIGH', description: 'P0301' },
      { source: 'alert', severity: 'CRITICAL', description: 'Engine overheating' },
    ]);
    expect(critical).toMatchObject({ verdict: 'NOT_SAFE', safeToDrive: false, summary: 'Not safe to drive' });
    expect(critical.issues[0].severity).toBe('CRITICAL');
  });
});

describe('comparison with similar vehicles', () => {
  const vehicle = { make: 'Toyota', model: 'Corolla', year: 2020, score: 80 };
  const peer = (score: number, brakes: 'GOOD' | 'POOR' = 'GOOD') => ({
    score,
    parts: [{ part: 'BRAKES' as const, status: brakes }],
  });

  it(`shows nothing for fewer than ${MIN_PEERS} peers`, () => {
    expect(compareWithPeers(vehicle, [peer(70), peer(90)])).toMatchObject({
      sampleSize: 0,
      averageScore: null,
      betterThanPercent: null,
      commonIssues: [],
    });
  });

  it('aggregates scores and common issues, never individual vehicles', () => {
    const result = compareWithPeers(vehicle, [peer(70, 'POOR'), peer(90), peer(60, 'POOR'), peer(100)]);
    expect(result).toMatchObject({ sampleSize: 4, averageScore: 80, medianScore: 80, betterThanPercent: 50 });
    expect(result.commonIssues).toEqual([{ part: 'BRAKES', sharePercent: 50 }]);
    expect(JSON.stringify(result)).not.toMatch(/vehicleId|owner/);
  });

  it('needs make, model and year', () => {
    expect(compareWithPeers({ make: null, model: null, year: null, score: 90 }, []).summary).toMatch(/needed/);
  });
});

it('rounds the days left to whole days', () => {
  // Three years from 1 January 2025 is 1,095 days; 0.4 of a day later, 1,094.6 are left.
  expect(estimateWarranty('Toyota', 2025, 0, Date.UTC(2025, 0, 1) + 0.4 * DAY_MS).items[0].daysLeft).toBe(1095);
});
