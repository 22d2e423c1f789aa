/**
 * How much `npm run seed` writes. `seed` is the product's stated scale (25,000 customers, see
 * ../shared/PRODUCT.md); `small` is the same shape in a minute or two.
 */
export interface SeedScale {
  name: string;
  customers: number;
  /** Every customer has one vehicle, the first (vehicles - customers) have two. */
  vehicles: number;
  /** Vehicles with a telemetry history, spread over the fleet. */
  readingVehicles: number;
  /** Days of history, ending when the seed first ran. */
  readingDays: number;
  decisions: number;
  /** Health alerts, raised by health's own rules from episodes in the readings (overheating, a failing alternator). */
  alerts: number;
  /** Service centres around seven real cities (scripts/seed/centres/), listed as partners apply and an admin approves. */
  centres: number;
}

export const SCALES = {
  small: {
    name: 'small',
    customers: 200,
    vehicles: 250,
    readingVehicles: 20,
    readingDays: 2,
    decisions: 100,
    alerts: 50,
    centres: 35,
  },
  seed: {
    name: 'seed',
    customers: 25_000,
    vehicles: 30_000,
    readingVehicles: 2_000,
    readingDays: 90,
    decisions: 10_000,
    alerts: 5_000,
    centres: 500,
  },
} as const satisfies Record<string, SeedScale>;

/** The most `--centres` asks for: 400 partner chains of 25. */
export const MAX_CENTRES = 100_000;

export type ScaleName = keyof typeof SCALES;

/** Two trips a day carry one alert episode each at most; one more may stay open at the end. */
export const maxAlertsPerVehicle = (scale: SeedScale) => 2 * scale.readingDays + 1;

/** What makes a scale impossible, in words; empty when it is fine. */
export function scaleProblems(scale: SeedScale): string[] {
  const problems: string[] = [];
  if (!/^[a-z][a-z0-9]{0,15}$/.test(scale.name)) problems.push('the name is 1-16 lower-case letters and digits');
  if (scale.customers < 1) problems.push('at least one customer');
  if (scale.vehicles < scale.customers || scale.vehicles > 2 * scale.customers) {
    problems.push('vehicles must be between customers and twice customers');
  }
  if (!Number.isInteger(scale.centres) || scale.centres < 0 || scale.centres > MAX_CENTRES)
    problems.push(`centres must be 0 to ${MAX_CENTRES}`);
  if (scale.vehicles > 900_000) problems.push('at most 900,000 vehicles (the VIN serials)');
  if (scale.readingVehicles > scale.vehicles) problems.push('readingVehicles cannot exceed vehicles');
  if (scale.readingDays < 1 && scale.readingVehicles > 0) problems.push('readingDays must be at least 1');
  if (scale.alerts > 0 && scale.readingVehicles === 0) problems.push('alerts need reading vehicles');
  if (scale.readingVehicles > 0 && Math.ceil(scale.alerts / scale.readingVehicles) > maxAlertsPerVehicle(scale)) {
    problems.push(`at most ${maxAlertsPerVehicle(scale)} alerts per reading vehicle`);
  }
  return problems;
}
