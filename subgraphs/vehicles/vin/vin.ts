/**
 * VIN validation and decoding (ISO 3779/3780, and 49 CFR 565 for North America).
 * Pure: the caller passes the clock for model-year decoding so results are reproducible.
 */

export type VinRegion = 'AFRICA' | 'ASIA' | 'EUROPE' | 'NORTH_AMERICA' | 'OCEANIA' | 'SOUTH_AMERICA';

export type VinErrorCode = 'LENGTH' | 'CHARSET' | 'CHECK_DIGIT';

export interface VinCheckDigit {
  /** The character at position 9. */
  readonly actual: string;
  /** The check digit the other 16 characters call for: 0-9 or X. */
  readonly expected: string;
  readonly valid: boolean;
  /** Only North American VINs must carry a check digit; elsewhere position 9 is free. */
  readonly enforced: boolean;
}

export interface DecodedVin {
  readonly vin: string;
  /** World manufacturer identifier, positions 1-3. */
  readonly wmi: string;
  /** Vehicle descriptor section, positions 4-9. */
  readonly vds: string;
  /** Vehicle identifier section, positions 10-17. */
  readonly vis: string;
  readonly region: VinRegion | null;
  readonly manufacturer: string | null;
  readonly modelYear: number | null;
  readonly checkDigit: VinCheckDigit;
}

export type VinResult =
  | { readonly ok: true; readonly vin: DecodedVin }
  | { readonly ok: false; readonly code: VinErrorCode; readonly reason: string };

export interface DecodeVinOptions {
  /** Reference time for model years outside North America; defaults to the current time. */
  readonly now?: Date;
}

export const VIN_LENGTH = 17;
const ALLOWED = /^[A-HJ-NPR-Z0-9]{17}$/;
const FORBIDDEN_LETTERS = /[IOQ]/;

/** Letter values for the check digit; I, O and Q never occur, so they have none. */
// prettier-ignore
const TRANSLITERATION: Record<string, number> = {
  A: 1, B: 2, C: 3, D: 4, E: 5, F: 6, G: 7, H: 8,
  J: 1, K: 2, L: 3, M: 4, N: 5, P: 7, R: 9,
  S: 2, T: 3, U: 4, V: 5, W: 6, X: 7, Y: 8, Z: 9,
};
const WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

/** Position 10 codes in order; the cycle repeats every 30 years from 1980. */
const YEAR_CODES = 'ABCDEFGHJKLMNPRSTVWXY123456789';
const FIRST_CYCLE_START = 1980;
const CYCLE = 30;

/** Upper-cases and trims; keeps everything else so that validation reports what was typed. */
export function normalizeVin(input: string): string {
  return input.trim().toUpperCase();
}

export function decodeVin(input: string, options: DecodeVinOptions = {}): VinResult {
  const vin = normalizeVin(input);
  if (vin.length !== VIN_LENGTH) {
    return invalid('LENGTH', `a VIN has ${VIN_LENGTH} characters, got ${vin.length}`);
  }
  if (FORBIDDEN_LETTERS.test(vin)) {
    return invalid('CHARSET', 'a VIN never contains I, O or Q (they read as 1 and 0)');
  }
  if (!ALLOWED.test(vin)) {
    return invalid('CHARSET', 'a VIN contains only the letters A-Z (without I, O, Q) and digits');
  }

  const northAmerican = isNorthAmerican(vin);
  const expected = computeCheckDigit(vin);
  const checkDigit: VinCheckDigit = { actual: vin[8], expected, valid: vin[8] === expected, enforced: northAmerican };
  if (northAmerican && !checkDigit.valid) {
    return invalid('CHECK_DIGIT', `check digit (position 9) is ${checkDigit.actual}, expected ${expected}`);
  }

  const wmi = vin.slice(0, 3);
  return {
    ok: true,
    vin: {
      vin,
      wmi,
      vds: vin.slice(3, 9),
      vis: vin.slice(9),
      region: regionOf(vin[0]),
      manufacturer: WMI_MANUFACTURERS[wmi] ?? WMI_MANUFACTURERS[wmi.slice(0, 2)] ?? null,
      modelYear: modelYearOf(vin, options.now ?? new Date()),
      checkDigit,
    },
  };
}

export function isValidVin(input: string): boolean {
  return decodeVin(input).ok;
}

/** The check digit for a VIN of 17 allowed characters (position 9 itself has weight 0). */
export function computeCheckDigit(vin: string): string {
  if (!ALLOWED.test(vin)) throw new RangeError('computeCheckDigit needs 17 allowed VIN characters');
  let sum = 0;
  for (let i = 0; i < VIN_LENGTH; i++) {
    const c = vin[i];
    const value = c >= '0' && c <= '9' ? Number(c) : TRANSLITERATION[c];
    sum += value * WEIGHTS[i];
  }
  const remainder = sum % 11;
  return remainder === 10 ? 'X' : String(remainder);
}

function isNorthAmerican(vin: string): boolean {
  return vin[0] >= '1' && vin[0] <= '5';
}

export function regionOf(first: string): VinRegion | null {
  if (first >= '1' && first <= '5') return 'NORTH_AMERICA';
  if (first === '6' || first === '7') return 'OCEANIA';
  if (first === '8' || first === '9') return 'SOUTH_AMERICA';
  if (first >= 'A' && first <= 'H') return 'AFRICA';
  if (first >= 'J' && first <= 'R') return 'ASIA';
  if (first >= 'S' && first <= 'Z') return 'EUROPE';
  return null;
}

/**
 * Position 10 repeats every 30 years. North American light vehicles say which cycle they are in
 * through position 7: a digit for 1980-2009, a letter for 2010-2039. Elsewhere the latest year
 * that is not beyond next year wins (a model year may start in the calendar year before it).
 */
function modelYearOf(vin: string, now: Date): number | null {
  const index = YEAR_CODES.indexOf(vin[9]);
  if (index < 0) return null;
  const earliest = FIRST_CYCLE_START + index;
  if (isNorthAmerican(vin)) {
    return /[0-9]/.test(vin[6]) ? earliest : earliest + CYCLE;
  }
  const latestAllowed = now.getUTCFullYear() + 1;
  let year = earliest;
  while (year + CYCLE <= latestAllowed) year += CYCLE;
  return year;
}

function invalid(code: VinErrorCode, reason: string): VinResult {
  return { ok: false, code, reason };
}

/** Common world manufacturer identifiers; a two-character key covers every third character. */
export const WMI_MANUFACTURERS: Readonly<Record<string, string>> = {
  // United States, Canada, Mexico
  '1FA': 'Ford',
  '1FD': 'Ford',
  '1FM': 'Ford',
  '1FT': 'Ford',
  '1G1': 'Chevrolet',
  '1GC': 'Chevrolet',
  '1G4': 'Buick',
  '1G6': 'Cadillac',
  '1GT': 'GMC',
  '1HG': 'Honda',
  '1J4': 'Jeep',
  '1LN': 'Lincoln',
  '1N4': 'Nissan',
  '1VW': 'Volkswagen',
  '19U': 'Acura',
  '2G1': 'Chevrolet',
  '2HG': 'Honda',
  '2T1': 'Toyota',
  '3FA': 'Ford',
  '3N1': 'Nissan',
  '3VW': 'Volkswagen',
  '4S3': 'Subaru',
  '4S4': 'Subaru',
  '4T1': 'Toyota',
  '4US': 'BMW',
  '5FN': 'Honda',
  '5NP': 'Hyundai',
  '5UX': 'BMW',
  '5XY': 'Kia',
  '5YJ': 'Tesla',
  '7SA': 'Tesla',
  // Asia
  JHM: 'Honda',
  JH4: 'Acura',
  JT: 'Toyota',
  JN1: 'Nissan',
  JN8: 'Nissan',
  JM1: 'Mazda',
  JF1: 'Subaru',
  JF2: 'Subaru',
  JA3: 'Mitsubishi',
  JS2: 'Suzuki',
  KMH: 'Hyundai',
  KNA: 'Kia',
  KND: 'Kia',
  LRW: 'Tesla',
  // Europe
  SAJ: 'Jaguar',
  SAL: 'Land Rover',
  SCC: 'Lotus',
  SCF: 'Aston Martin',
  SB1: 'Toyota',
  TMB: 'Škoda',
  TRU: 'Audi',
  VF1: 'Renault',
  VF3: 'Peugeot',
  VF7: 'Citroën',
  VNK: 'Toyota',
  VSS: 'SEAT',
  W0L: 'Opel',
  WAU: 'Audi',
  WBA: 'BMW',
  WBS: 'BMW',
  WDB: 'Mercedes-Benz',
  WDD: 'Mercedes-Benz',
  W1K: 'Mercedes-Benz',
  WF0: 'Ford',
  WP0: 'Porsche',
  WP1: 'Porsche',
  WVW: 'Volkswagen',
  WV1: 'Volkswagen',
  WV2: 'Volkswagen',
  YS3: 'Saab',
  YV1: 'Volvo',
  ZAM: 'Maserati',
  ZAR: 'Alfa Romeo',
  ZFA: 'Fiat',
  ZFF: 'Ferrari',
  ZHW: 'Lamborghini',
  // Oceania, South America
  '6FP': 'Ford',
  '9BW': 'Volkswagen',
};
