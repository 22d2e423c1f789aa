import { checkAnalysisRange } from '../readings/analysis-range.js';
import type { ReadingStore } from '../readings/reading.store.js';
import { FUEL_SERIES, FuelEconomyAccumulator } from './fuel-economy.js';
import type { FuelEconomy } from './fuel-economy.type.js';

export class FuelEconomyService {
  constructor(private readonly readings: ReadingStore) {}

  async between(vehicleId: string, from: Date, to: Date): Promise<FuelEconomy> {
    checkAnalysisRange(from, to);
    const economy = new FuelEconomyAccumulator();
    for await (const snapshot of this.readings.snapshots(vehicleId, Object.values(FUEL_SERIES), from, to))
      economy.feed(snapshot);
    return { from, to, ...economy.result() };
  }
}
