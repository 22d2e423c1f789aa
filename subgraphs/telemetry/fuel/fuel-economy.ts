import { MAX_STEP_MS, type Held, type Snapshot } from '../readings/snapshot.js';

/** Series the computation reads: vehicle speed (0D, km/h), MAF (10, g/s), engine fuel rate (5E, L/h). */
export const FUEL_SERIES = { speed: 'p0D', maf: 'p10', fuelRate: 'p5E' } as const;

/** Mass of air per mass of petrol for complete combustion (stoichiometric ratio). */
export const STOICHIOMETRIC_AFR = 14.7;
/** Petrol density, g/L (EN 228 allows 720-775). */
export const PETROL_DENSITY_G_PER_L = 745;
/** Below this distance a litres-per-100-km figure is noise, so none is given. */
export const MIN_DISTANCE_KM = 0.1;

/**
 * Fuel flow from the mass air flow, assuming petrol burnt at the stoichiometric ratio:
 * L/h = MAF [g/s] × 3600 / (14.7 × 745 g/L). Closed-loop engines run at stoichiometry most of
 * the time; enrichment under full load makes this read low, and fuel cut on overrun high.
 */
export const mafToLitresPerHour = (mafGramsPerSecond: number) =>
  (mafGramsPerSecond * 3600) / (STOICHIOMETRIC_AFR * PETROL_DENSITY_G_PER_L);

export type FuelSource = 'FUEL_RATE' | 'MAF';

export interface FuelEconomyResult {
  source: FuelSource | null;
  /** Distance driven while fuel flow was known too. */
  distanceKm: number;
  fuelUsedLitres: number;
  /** fuelUsedLitres / distanceKm × 100; null under MIN_DISTANCE_KM. */
  litresPer100Km: number | null;
}

interface Totals {
  km: number;
  litres: number;
}

/**
 * L/100 km over a stretch of readings, fed in time order. Between two consecutive snapshots
 * (at most MAX_STEP_MS apart) speed and fuel flow are held at their last values:
 * distance += km/h × Δt, fuel += L/h × Δt, counted only where both are known. The ECU's own fuel
 * rate (PID 5E) is preferred; MAF-based flow is the fallback for engines that lack 5E.
 */
export class FuelEconomyAccumulator {
  private last?: number;
  private speed?: Held;
  private maf?: Held;
  private rate?: Held;
  private readonly byRate: Totals = { km: 0, litres: 0 };
  private readonly byMaf: Totals = { km: 0, litres: 0 };

  feed(snapshot: Snapshot): void {
    if (this.last !== undefined) {
      const dt = snapshot.t - this.last;
      if (dt > 0 && dt <= MAX_STEP_MS) {
        const speed = this.fresh(this.speed);
        if (speed !== undefined) {
          const hours = dt / 3_600_000;
          const rate = this.fresh(this.rate);
          if (rate !== undefined) add(this.byRate, speed * hours, rate * hours);
          const maf = this.fresh(this.maf);
          if (maf !== undefined) add(this.byMaf, speed * hours, mafToLitresPerHour(maf) * hours);
        }
      }
    }
    const { values, t } = snapshot;
    if (values[FUEL_SERIES.speed] !== undefined) this.speed = { v: values[FUEL_SERIES.speed], t };
    if (values[FUEL_SERIES.maf] !== undefined) this.maf = { v: values[FUEL_SERIES.maf], t };
    if (values[FUEL_SERIES.fuelRate] !== undefined) this.rate = { v: values[FUEL_SERIES.fuelRate], t };
    this.last = t;
  }

  result(): FuelEconomyResult {
    const [source, totals]: [FuelSource | null, Totals] =
      this.byRate.km > 0
        ? ['FUEL_RATE', this.byRate]
        : this.byMaf.km > 0
          ? ['MAF', this.byMaf]
          : [null, { km: 0, litres: 0 }];
    return {
      source,
      distanceKm: totals.km,
      fuelUsedLitres: totals.litres,
      litresPer100Km: totals.km >= MIN_DISTANCE_KM ? (totals.litres / totals.km) * 100 : null,
    };
  }

  private fresh(held: Held | undefined): number | undefined {
    return held && this.last !== undefined && this.last - held.t <= MAX_STEP_MS ? held.v : undefined;
  }
}

function add(totals: Totals, km: number, litres: number): void {
  totals.km += km;
  totals.litres += litres;
}
