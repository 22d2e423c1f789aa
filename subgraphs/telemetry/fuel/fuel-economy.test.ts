import { toSnapshots } from '../readings/snapshot.js';
import {
  FuelEconomyAccumulator,
  mafToLitresPerHour,
  PETROL_DENSITY_G_PER_L,
  STOICHIOMETRIC_AFR,
} from './fuel-economy.js';

/** One snapshot per second from `start` s, with the given series values. */
function drive(seconds: number, values: Record<string, number>, start = 0) {
  return toSnapshots(
    Array.from({ length: seconds + 1 }, (_, i) =>
      Object.entries(values).map(([key, v]) => ({ key, t: (start + i) * 1000, v })),
    ).flat(),
  );
}

function economyOf(snapshots: ReturnType<typeof drive>) {
  const economy = new FuelEconomyAccumulator();
  for (const s of snapshots) economy.feed(s);
  return economy.result();
}

describe('fuel economy', () => {
  it('converts MAF to fuel flow at AFR 14.7 and 745 g/L petrol', () => {
    expect(STOICHIOMETRIC_AFR).toBe(14.7);
    expect(PETROL_DENSITY_G_PER_L).toBe(745);
    // 10 g/s of air -> 0.680 g/s of petrol -> 2449 g/h -> 3.287 L/h
    expect(mafToLitresPerHour(10)).toBeCloseTo(3.2872, 4);
    expect(mafToLitresPerHour(0)).toBe(0);
  });

  it('integrates the ECU fuel rate over distance: 6 L/h at 100 km/h is 6 L/100 km', () => {
    const result = economyOf(drive(360, { p0D: 100, p5E: 6 }));
    expect(result.source).toBe('FUEL_RATE');
    expect(result.distanceKm).toBeCloseTo(10, 6);
    expect(result.fuelUsedLitres).toBeCloseTo(0.6, 6);
    expect(result.litresPer100Km).toBeCloseTo(6, 6);
  });

  it('falls back to MAF when the engine has no fuel rate PID', () => {
    // MAF 20 g/s = 6.5746 L/h; at 80 km/h that is 8.218 L/100 km.
    const result = economyOf(drive(600, { p0D: 80, p10: 20 }));
    expect(result.source).toBe('MAF');
    expect(result.litresPer100Km).toBeCloseTo((mafToLitresPerHour(20) / 80) * 100, 6);
  });

  it('prefers the fuel rate when both are reported', () => {
    expect(economyOf(drive(60, { p0D: 50, p10: 20, p5E: 3 })).source).toBe('FUEL_RATE');
  });

  it('does not integrate across holes in the data, nor over time without fuel flow', () => {
    const withHole = [...drive(60, { p0D: 60, p5E: 6 }), ...drive(60, { p0D: 60, p5E: 6 }, 3600)];
    // Two minutes at 60 km/h = 2 km: the hour in between (engine off) adds nothing.
    expect(economyOf(withHole).distanceKm).toBeCloseTo(2, 6);
    const speedOnly = economyOf(drive(60, { p0D: 60 }));
    expect(speedOnly).toEqual({ source: null, distanceKm: 0, fuelUsedLitres: 0, litresPer100Km: null });
  });

  it('gives no L/100 km figure for a few metres', () => {
    const result = economyOf(drive(2, { p0D: 50, p5E: 2 }));
    expect(result.distanceKm).toBeLessThan(0.1);
    expect(result.litresPer100Km).toBeNull();
  });
});
