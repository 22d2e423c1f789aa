import { computeCheckDigit } from '../../subgraphs/vehicles/vin/vin.js';
import type { Random } from './random.js';

export interface SimulatedModel {
  /** World manufacturer identifier (VIN positions 1-3); North American, so the check digit counts. */
  wmi: string;
  make: string;
  model: string;
}

/** Petrol cars built in North America, whose WMIs the vehicles subgraph recognises. */
export const MODELS: readonly SimulatedModel[] = [
  { wmi: '1HG', make: 'Honda', model: 'Accord' },
  { wmi: '2HG', make: 'Honda', model: 'Civic' },
  { wmi: '1FA', make: 'Ford', model: 'Fusion' },
  { wmi: '1G1', make: 'Chevrolet', model: 'Malibu' },
  { wmi: '4T1', make: 'Toyota', model: 'Camry' },
  { wmi: '2T1', make: 'Toyota', model: 'Corolla' },
  { wmi: '1N4', make: 'Nissan', model: 'Altima' },
  { wmi: '3VW', make: 'Volkswagen', model: 'Jetta' },
  { wmi: '5NP', make: 'Hyundai', model: 'Elantra' },
  { wmi: '4S3', make: 'Subaru', model: 'Legacy' },
];

export interface SimulatedVehicleIdentity {
  vin: string;
  make: string;
  model: string;
  year: number;
}

/** VIN characters: no I, O or Q. */
const VIN_LETTERS = 'ABCDEFGHJKLMNPRSTUVWXYZ';
const VIN_DIGITS = '0123456789';
/** Position 10; the code cycle restarts every 30 years from 1980. */
const YEAR_CODES = 'ABCDEFGHJKLMNPRSTVWXY123456789';
export const FIRST_MODEL_YEAR = 2010;
export const LAST_MODEL_YEAR = 2025;

const chars = (random: Random, alphabet: string, count: number) =>
  Array.from({ length: count }, () => random.pick([...alphabet])).join('');

/**
 * A North American VIN (49 CFR 565) with a correct check digit and a model year the vehicles
 * subgraph decodes back to `year`: position 7 is a letter because the year is 2010-2039, and
 * position 10 is that year's code.
 */
export function generateVin(random: Random): SimulatedVehicleIdentity {
  const { wmi, make, model } = random.pick(MODELS);
  const year = random.int(FIRST_MODEL_YEAR, LAST_MODEL_YEAR);
  const descriptor =
    chars(random, VIN_LETTERS + VIN_DIGITS, 3) + chars(random, VIN_LETTERS, 1) + chars(random, VIN_DIGITS, 1);
  const plant = chars(random, VIN_LETTERS, 1);
  const serial = chars(random, VIN_DIGITS, 6);
  const draft = `${wmi}${descriptor}0${YEAR_CODES[(year - 1980) % 30]}${plant}${serial}`;
  const vin = `${draft.slice(0, 8)}${computeCheckDigit(draft)}${draft.slice(9)}`;
  return { vin, make, model, year };
}
