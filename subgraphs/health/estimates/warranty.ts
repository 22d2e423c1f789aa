import { DAY_MS, round } from '../parts/part.js';
import { ESTIMATE_NOTICE, input, type EstimateBasis } from './estimate.js';
import { termsFor, type Coverage } from './warranty-table.js';

export interface WarrantyItem {
  name: string;
  years: number;
  km: number;
  /** Null when the model year is unknown. */
  expiresAt: number | null;
  daysLeft: number | null;
  /** Null when the odometer is unknown. */
  kmLeft: number | null;
  /** Null when it cannot be told. */
  covered: boolean | null;
}

export interface WarrantyEstimate extends EstimateBasis {
  make: string | null;
  modelYear: number | null;
  odometerKm: number | null;
  items: WarrantyItem[];
}

function item(
  name: string,
  coverage: Coverage,
  modelYear: number | null,
  odometerKm: number | null,
  now: number,
): WarrantyItem {
  // The purchase date is unknown: coverage is assumed to start on 1 January of the model year.
  const expiresAt = modelYear === null ? null : Date.UTC(modelYear + coverage.years, 0, 1);
  const daysLeft = expiresAt === null ? null : round((expiresAt - now) / DAY_MS, 0);
  const kmLeft = odometerKm === null ? null : round(coverage.km - odometerKm, 0);
  const expired = (daysLeft !== null && daysLeft <= 0) || (kmLeft !== null && kmLeft <= 0);
  const covered = expired ? false : daysLeft !== null && kmLeft !== null ? true : null;
  return { name, years: coverage.years, km: coverage.km, expiresAt, daysLeft, kmLeft, covered };
}

export function estimateWarranty(
  make: string | null,
  modelYear: number | null,
  odometerKm: number | null,
  now: number,
): WarrantyEstimate {
  const { terms, listed } = termsFor(make);
  const items = [
    item('Basic (bumper to bumper)', terms.basic, modelYear, odometerKm, now),
    item('Powertrain', terms.powertrain, modelYear, odometerKm, now),
    ...(terms.battery ? [item('High-voltage battery', terms.battery, modelYear, odometerKm, now)] : []),
  ];
  const covered = items.filter((i) => i.covered === true).map((i) => i.name.toLowerCase());
  const unknown = items.some((i) => i.covered === null);
  const summary =
    covered.length > 0
      ? `Probably still covered: ${covered.join(', ')}`
      : unknown
        ? 'Coverage cannot be told without the model year and an odometer reading'
        : 'The factory warranty has probably expired';
  return {
    make,
    modelYear,
    odometerKm: odometerKm === null ? null : round(odometerKm, 0),
    items,
    summary,
    method: `${ESTIMATE_NOTICE} Typical ${listed ? make : 'industry'} terms, counted from 1 January of the model year; whichever of time or distance runs out first ends a coverage.`,
    inputs: [
      input('Make', make),
      input('Model year', modelYear),
      input('Odometer', odometerKm === null ? null : round(odometerKm, 0), ' km'),
      input('Warranty table', listed ? `${make} terms` : 'typical terms (make not listed)'),
    ],
  };
}
