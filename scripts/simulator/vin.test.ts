import { decodeVin } from '../../subgraphs/vehicles/vin/vin.js';
import { createRandom } from './random.js';
import { FIRST_MODEL_YEAR, generateVin, LAST_MODEL_YEAR } from './vin.js';

describe('generateVin', () => {
  const generated = Array.from({ length: 500 }, (_, i) => generateVin(createRandom(i)));

  it('makes North American VINs that the vehicles subgraph accepts, check digit enforced', () => {
    for (const { vin } of generated) {
      const decoded = decodeVin(vin);
      if (!decoded.ok) throw new Error(`${vin}: ${decoded.reason}`);
      expect(decoded.vin.region).toBe('NORTH_AMERICA');
      expect(decoded.vin.checkDigit).toMatchObject({ valid: true, enforced: true });
    }
  });

  it('encodes the model year and manufacturer that it reports', () => {
    for (const { vin, year, make } of generated) {
      const decoded = decodeVin(vin);
      if (!decoded.ok) throw new Error(decoded.reason);
      expect(decoded.vin.modelYear).toBe(year);
      expect(decoded.vin.manufacturer).toBe(make);
      expect(year).toBeGreaterThanOrEqual(FIRST_MODEL_YEAR);
      expect(year).toBeLessThanOrEqual(LAST_MODEL_YEAR);
    }
  });

  it('gives the same VIN for the same seed and different ones otherwise', () => {
    expect(generateVin(createRandom(7))).toEqual(generateVin(createRandom(7)));
    expect(new Set(generated.map((g) => g.vin)).size).toBe(generated.length);
  });
});
