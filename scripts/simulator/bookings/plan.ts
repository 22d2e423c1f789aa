import type { City } from '../../seed/centres/cities.js';
import {
  BASE_PRICES,
  minorDigits,
  SERVICE_KINDS,
  WEEKDAY_NAMES,
  type CentreApplication,
} from '../../seed/centres/centre-plan.js';
import type { Random } from '../random.js';

/*
 * What the simulator's drivers and partners decide, as pure functions (unit-tested in
 * plan.test.ts): which alert to book for and where, which slot, and what a partner does next
 * with a booking of theirs.
 */

export interface OpenAlert {
  id: string;
  rule: string;
  severity: string;
  suggestedService: string;
  suggestedCentres: { id: string; distanceKm: number | null }[];
}

export interface BookingChoice {
  alertId: string;
  service: string;
  centreId: string;
}

const SEVERITY_ORDER = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFO'];

/**
 * The alert a driver books a service for, and where: the most severe open alert not booked for
 * yet, at the nearest suggested centre a simulated partner runs (they answer), else the nearest
 * one. Null when every open alert is booked for, or no centre nearby offers the service.
 */
export function chooseBooking(
  alerts: readonly OpenAlert[],
  bookedAlerts: ReadonlySet<string>,
  simulatedCentres: ReadonlySet<string>,
): BookingChoice | null {
  const candidates = alerts
    .filter((a) => !bookedAlerts.has(a.id) && a.suggestedCentres.length > 0)
    .sort((a, b) => rank(a.severity) - rank(b.severity));
  const alert = candidates[0];
  if (!alert) return null;
  const centre = alert.suggestedCentres.find((c) => simulatedCentres.has(c.id)) ?? alert.suggestedCentres[0]!;
  return { alertId: alert.id, service: alert.suggestedService, centreId: centre.id };
}

const rank = (severity: string) => {
  const i = SEVERITY_ORDER.indexOf(severity);
  return i < 0 ? SEVERITY_ORDER.length : i;
};

/** The slots to try, soonest first: those starting at least `leadMinutes` from now (a driver needs time to get there). */
export function slotsToTry(slots: readonly { start: string }[], now: Date, leadMinutes: number, tries = 3): string[] {
  const earliest = now.getTime() + leadMinutes * 60_000;
  return slots
    .map((s) => s.start)
    .filter((start) => Date.parse(start) >= earliest)
    .sort((a, b) => Date.parse(a) - Date.parse(b))
    .slice(0, tries);
}

export type PartnerStep =
  { action: 'confirm' } | { action: 'start' } | { action: 'complete'; input: CompletionInput } | null;

export interface CompletionInput {
  workDone: string;
  partsReplaced: string[];
  totalMinor: number;
}

/** What the work on a service is, for the completion record. An oil change replaces the oil and its filter: health then renews oil life. */
export const WORK: Record<string, { workDone: string; partsReplaced: string[] }> = {
  OIL_CHANGE: { workDone: 'Engine oil and filter changed', partsReplaced: ['engine oil 5W-30 (4.5 l)', 'oil filter'] },
  COOLING: {
    workDone: 'Cooling system pressure-tested; thermostat replaced and coolant flushed',
    partsReplaced: ['thermostat', 'coolant (6 l)'],
  },
  BATTERY: { workDone: 'Battery load-tested and replaced; charging system checked', partsReplaced: ['12 V battery'] },
  BRAKES: { workDone: 'Front pads and discs replaced', partsReplaced: ['brake pads (front)', 'brake discs (front)'] },
  TYRES: { workDone: 'Two tyres replaced and balanced', partsReplaced: ['tyre', 'tyre'] },
  DIAGNOSTICS: { workDone: 'Fault codes read, cause found and fixed, codes cleared', partsReplaced: [] },
  GENERAL_SERVICE: {
    workDone: 'Annual service: oil, filters and inspection',
    partsReplaced: ['engine oil 5W-30 (4.5 l)', 'oil filter', 'air filter'],
  },
  ROADSIDE: { workDone: 'Roadside assistance', partsReplaced: [] },
};

/**
 * A simulated partner's next move on a booking of its centre: confirm a request, start a
 * confirmed booking (the demo does not wait for the slot), complete work in progress at the
 * booked price. Null for a booking that is done with.
 */
export function partnerStep(booking: { status: string; service: string; priceMinor: number }): PartnerStep {
  switch (booking.status) {
    case 'REQUESTED':
      return { action: 'confirm' };
    case 'CONFIRMED':
      return { action: 'start' };
    case 'IN_PROGRESS': {
      const work = WORK[booking.service] ?? WORK.DIAGNOSTICS!;
      return { action: 'complete', input: { ...work, totalMinor: booking.priceMinor } };
    }
    default:
      return null;
  }
}

const ALL_WEEK = WEEKDAY_NAMES.map((day) => ({ day, opens: '00:00', closes: '24:00' }));

/**
 * The simulated garage: every service at the city's prices, 30 minutes each, four bays, open
 * around the clock so that a demo books at any hour, a few hundred metres from the city centre.
 */
export function garageApplication(city: City, runId: string): CentreApplication {
  const unit = 10 ** minorDigits(city.currency);
  return {
    name: `Simulated Garage ${runId}`,
    address: `1 Simulator Way, ${city.name}`,
    location: { lat: round6(city.lat + 0.003), lng: round6(city.lng) },
    phone: `${city.phone.prefix} 0000 000`,
    timezone: city.timezone,
    services: SERVICE_KINDS.map((kind) => ({
      kind,
      priceMinor: Math.round(BASE_PRICES[city.currency][kind] * city.priceLevel) * unit,
      currency: city.currency,
      durationMinutes: 30,
    })),
    openingHours: ALL_WEEK,
    bays: 4,
  };
}

/** Where a driver searches from: within `km` of the garage (its customers live around it). */
export function homeNear(garage: { lat: number; lng: number }, random: Random, km = 1): { lat: number; lng: number } {
  const d = km * Math.sqrt(random.next());
  const bearing = random.between(0, 2 * Math.PI);
  return {
    lat: round6(garage.lat + (d * Math.cos(bearing)) / 111.32),
    lng: round6(garage.lng + (d * Math.sin(bearing)) / (111.32 * Math.cos((garage.lat * Math.PI) / 180))),
  };
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
