export interface Coverage {
  years: number;
  km: number;
}

export interface WarrantyTerms {
  basic: Coverage;
  powertrain: Coverage;
  /** Hybrid or EV battery, where the maker covers it separately. */
  battery?: Coverage;
}

/**
 * Typical new-vehicle warranty terms by make (the usual North American and European terms,
 * miles rounded to km). Markets and years differ: this is a table for estimates, and says so.
 */
export const WARRANTY_TABLE: Readonly<Record<string, WarrantyTerms>> = {
  toyota: {
    basic: { years: 3, km: 60_000 },
    powertrain: { years: 5, km: 100_000 },
    battery: { years: 10, km: 240_000 },
  },
  lexus: {
    basic: { years: 4, km: 80_000 },
    powertrain: { years: 6, km: 110_000 },
    battery: { years: 10, km: 240_000 },
  },
  honda: { basic: { years: 3, km: 60_000 }, powertrain: { years: 5, km: 100_000 } },
  acura: { basic: { years: 4, km: 80_000 }, powertrain: { years: 6, km: 110_000 } },
  nissan: { basic: { years: 3, km: 60_000 }, powertrain: { years: 5, km: 100_000 } },
  mazda: { basic: { years: 3, km: 60_000 }, powertrain: { years: 5, km: 100_000 } },
  subaru: { basic: { years: 3, km: 60_000 }, powertrain: { years: 5, km: 100_000 } },
  ford: { basic: { years: 3, km: 60_000 }, powertrain: { years: 5, km: 100_000 } },
  chevrolet: { basic: { years: 3, km: 60_000 }, powertrain: { years: 5, km: 100_000 } },
  hyundai: { basic: { years: 5, km: 100_000 }, powertrain: { years: 10, km: 160_000 } },
  kia: { basic: { years: 5, km: 100_000 }, powertrain: { years: 10, km: 160_000 } },
  volkswagen: { basic: { years: 4, km: 80_000 }, powertrain: { years: 4, km: 80_000 } },
  audi: { basic: { years: 4, km: 80_000 }, powertrain: { years: 4, km: 80_000 } },
  bmw: { basic: { years: 4, km: 80_000 }, powertrain: { years: 4, km: 80_000 } },
  'mercedes-benz': { basic: { years: 4, km: 80_000 }, powertrain: { years: 4, km: 80_000 } },
  volvo: { basic: { years: 4, km: 80_000 }, powertrain: { years: 4, km: 80_000 } },
  tesla: { basic: { years: 4, km: 80_000 }, powertrain: { years: 8, km: 160_000 }, battery: { years: 8, km: 160_000 } },
};

/** Used for makes the table does not list. */
export const TYPICAL_TERMS: WarrantyTerms = { basic: { years: 3, km: 60_000 }, powertrain: { years: 5, km: 100_000 } };

const ALIASES: Record<string, string> = { vw: 'volkswagen', mercedes: 'mercedes-benz', chevy: 'chevrolet' };

export function termsFor(make: string | null): { terms: WarrantyTerms; listed: boolean } {
  const key = make?.trim().toLowerCase() ?? '';
  const found = WARRANTY_TABLE[ALIASES[key] ?? key];
  return found ? { terms: found, listed: true } : { terms: TYPICAL_TERMS, listed: false };
}
