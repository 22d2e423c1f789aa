import { createRandom, type Random } from '../../simulator/random.js';
import { CITIES, type City } from './cities.js';

/*
 * The service centres `npm run seed` lists: what each one's partner enters in applyAsPartner,
 * drawn from a fixed seed per centre number, so that a resumed seed asks for exactly the same
 * centres and any prefix of them is spread over every city.
 */

export const SERVICE_KINDS = [
  'OIL_CHANGE',
  'BRAKES',
  'BATTERY',
  'TYRES',
  'DIAGNOSTICS',
  'COOLING',
  'GENERAL_SERVICE',
  'ROADSIDE',
] as const;
export type ServiceKindName = (typeof SERVICE_KINDS)[number];

export const WEEKDAY_NAMES = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'] as const;
export type WeekdayName = (typeof WEEKDAY_NAMES)[number];

export interface PlannedService {
  kind: ServiceKindName;
  priceMinor: number;
  currency: string;
  durationMinutes: number;
}

export interface PlannedHours {
  day: WeekdayName;
  opens: string;
  closes: string;
}

/** applyAsPartner's input (PartnerApplicationInput). */
export interface CentreApplication {
  name: string;
  address: string;
  location: { lat: number; lng: number };
  phone: string;
  timezone: string;
  services: PlannedService[];
  openingHours: PlannedHours[];
  bays: number;
}

export interface PlannedCentre {
  index: number;
  city: string;
  /** The partner account that applies for it: one per chain of CENTRES_PER_OWNER in a city. */
  owner: { key: string; name: string };
  application: CentreApplication;
}

/** A partner's chain in one city: its centres are applied for one after another (one open application at a time). */
export const CENTRES_PER_OWNER = 25;

const SEED = 0x5eedc0de;

/**
 * Typical prices before the city's price level, in major units of each currency, and how long
 * each job takes (minutes). A garage's price is one of these give or take a fifth.
 */
export const BASE_PRICES: Record<City['currency'], Record<ServiceKindName, number>> = {
  GBP: {
    OIL_CHANGE: 75,
    BRAKES: 180,
    BATTERY: 130,
    TYRES: 90,
    DIAGNOSTICS: 50,
    COOLING: 160,
    GENERAL_SERVICE: 190,
    ROADSIDE: 95,
  },
  EUR: {
    OIL_CHANGE: 85,
    BRAKES: 210,
    BATTERY: 150,
    TYRES: 100,
    DIAGNOSTICS: 60,
    COOLING: 180,
    GENERAL_SERVICE: 220,
    ROADSIDE: 110,
  },
  USD: {
    OIL_CHANGE: 65,
    BRAKES: 260,
    BATTERY: 190,
    TYRES: 120,
    DIAGNOSTICS: 100,
    COOLING: 210,
    GENERAL_SERVICE: 260,
    ROADSIDE: 125,
  },
};

const DURATIONS: Record<ServiceKindName, readonly number[]> = {
  OIL_CHANGE: [30, 45, 60],
  BRAKES: [90, 120],
  BATTERY: [30, 45],
  TYRES: [45, 60],
  DIAGNOSTICS: [30, 45, 60],
  COOLING: [90, 120, 150],
  GENERAL_SERVICE: [120, 180, 240],
  ROADSIDE: [60],
};

/** How often a garage offers each service: every one diagnoses, few send a van out. */
const OFFERED: Record<ServiceKindName, number> = {
  DIAGNOSTICS: 1,
  OIL_CHANGE: 0.95,
  GENERAL_SERVICE: 0.8,
  BRAKES: 0.8,
  BATTERY: 0.7,
  TYRES: 0.6,
  COOLING: 0.6,
  ROADSIDE: 0.15,
};

/** Bays 1 to 6, most garages having two to four. */
const BAY_WEIGHTS = [10, 25, 25, 20, 12, 8];

const NAME_STYLES: Record<string, readonly ((district: string) => string)[]> = {
  GB: [(d) => `${d} Auto Centre`, (d) => `${d} Motors`, (d) => `${d} Garage`, (d) => `${d} Car Care`],
  US: [(d) => `${d} Auto Repair`, (d) => `${d} Tire & Auto`, (d) => `${d} Car Care Center`, (d) => `${d} Motors`],
  DE: [(d) => `Autoservice ${d}`, (d) => `Kfz-Werkstatt ${d}`, (d) => `Autohaus ${d}`, (d) => `Reifen & Service ${d}`],
  FR: [(d) => `Garage ${d}`, (d) => `Auto Service ${d}`, (d) => `Mécanique ${d}`, (d) => `Centre Auto ${d}`],
  ES: [(d) => `Taller ${d}`, (d) => `Talleres ${d}`, (d) => `Autos ${d}`, (d) => `Centro del Automóvil ${d}`],
};
const COUNTRY_OF: Record<string, keyof typeof NAME_STYLES> = {
  'Europe/London': 'GB',
  'Europe/Berlin': 'DE',
  'Europe/Paris': 'FR',
  'Europe/Madrid': 'ES',
  'America/New_York': 'US',
  'America/Chicago': 'US',
};

/**
 * Cities in a fixed cycle of sum(weights) slots, each as often as its weight and interleaved
 * (smooth weighted round-robin), so that the first few centres already cover every city.
 */
export const CITY_CYCLE: readonly number[] = (() => {
  const total = CITIES.reduce((sum, c) => sum + c.weight, 0);
  const current = CITIES.map(() => 0);
  const cycle: number[] = [];
  for (let slot = 0; slot < total; slot++) {
    CITIES.forEach((c, i) => (current[i]! += c.weight));
    let best = 0;
    current.forEach((v, i) => {
      if (v > current[best]!) best = i;
    });
    current[best]! -= total;
    cycle.push(best);
  }
  return cycle;
})();

/** The city of centre `index`, and how many centres of that city come before it. */
export function cityOf(index: number): { city: number; ordinal: number } {
  const city = CITY_CYCLE[index % CITY_CYCLE.length]!;
  const before = CITY_CYCLE.slice(0, index % CITY_CYCLE.length).filter((c) => c === city).length;
  return { city, ordinal: Math.floor(index / CITY_CYCLE.length) * CITIES[city]!.weight + before };
}

const pad = (n: number) => String(n).padStart(2, '0');
const clock = (minutes: number) => `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
const hours = (h: number, m = 0) => h * 60 + m;

/** Decimal places of the currency's minor unit (2 for GBP, EUR, USD; 0 for JPY). */
export const minorDigits = (currency: string) =>
  new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;

function weighted(random: Random, weights: readonly number[]): number {
  let u = random.next() * weights.reduce((a, b) => a + b, 0);
  for (const [i, w] of weights.entries()) if ((u -= w) < 0) return i;
  return weights.length - 1;
}

/** A weekly timetable as local habits have it: weekdays about 08:00-18:00, Saturday mornings, Sunday closed. */
export function openingHoursFor(habit: City['habit'], random: Random): PlannedHours[] {
  const days: PlannedHours[] = [];
  const add = (day: WeekdayName, opens: number, closes: number) =>
    days.push({ day, opens: clock(opens), closes: clock(closes) });
  const weekdays = WEEKDAY_NAMES.slice(0, 5);
  let weekday: [number, number][];
  let saturday: [number, number][] = [];
  let sunday: [number, number][] = [];
  if (habit === 'split') {
    weekday = random.chance(0.7)
      ? [
          [hours(9), hours(14)],
          [hours(16), hours(20)],
        ]
      : [[hours(8), hours(18)]];
    if (random.chance(0.6)) saturday = [[hours(9), hours(14)]];
  } else if (habit === 'us') {
    const usual: [number, number][] = [
      [hours(7), hours(19)],
      [hours(8), hours(18)],
      [hours(7, 30), hours(18)],
    ];
    weekday = [usual[weighted(random, [50, 35, 15])]!];
    const sat = weighted(random, [60, 25, 15]);
    if (sat < 2) saturday = [[hours(8), sat === 0 ? hours(16) : hours(13)]];
    if (random.chance(0.1)) sunday = [[hours(10), hours(16)]];
  } else {
    const [opens, closes] = (
      [
        [hours(8), hours(18)],
        [hours(7, 30), hours(17, 30)],
        [hours(8, 30), hours(18, 30)],
        [hours(9), hours(19)],
      ] as const
    )[weighted(random, [60, 15, 10, 15])]!;
    weekday = random.chance(0.15)
      ? [
          [opens, hours(12, 30)],
          [hours(13, 30), closes],
        ]
      : [[opens, closes]];
    const sat = weighted(random, [55, 20, 25]);
    if (sat < 2) saturday = [sat === 0 ? [hours(9), hours(13)] : [hours(8), hours(14)]];
    if (random.chance(0.05)) sunday = [[hours(10), hours(16)]];
  }
  const earlyFriday = random.chance(0.15);
  for (const day of weekdays) {
    for (const [i, [opens, closes]] of weekday.entries()) {
      const last = i === weekday.length - 1;
      add(day, opens, day === 'FRIDAY' && earlyFriday && last ? closes - 60 : closes);
    }
  }
  for (const [opens, closes] of saturday) add('SATURDAY', opens, closes);
  for (const [opens, closes] of sunday) add('SUNDAY', opens, closes);
  return days;
}

function servicesFor(city: City, random: Random): PlannedService[] {
  const unit = 10 ** minorDigits(city.currency);
  const garageLevel = city.priceLevel * random.between(0.85, 1.15);
  return SERVICE_KINDS.filter((kind) => random.chance(OFFERED[kind])).map((kind) => {
    const major = Math.max(1, Math.round(BASE_PRICES[city.currency][kind] * garageLevel * random.between(0.9, 1.1)));
    // Some garages price at .99, most at whole units.
    const priceMinor = major * unit - (random.chance(0.35) && unit > 1 ? 1 : 0);
    return { kind, priceMinor, currency: city.currency, durationMinutes: random.pick(DURATIONS[kind]) };
  });
}

/**
 * A point on a random bearing within the city's area, somewhat denser towards the middle (the
 * share within d km grows as (d / radius)^1.67): 2,000 garages over London's 18 km are about
 * 2 a km² overall and 4 near the centre, as a real city has them, not hundreds in its middle.
 */
function locationIn(city: City, random: Random): { lat: number; lng: number } {
  const distanceKm = city.radiusKm * random.next() ** 0.6;
  const bearing = random.between(0, 2 * Math.PI);
  const lat = city.lat + (distanceKm * Math.cos(bearing)) / 111.32;
  const lng = city.lng + (distanceKm * Math.sin(bearing)) / (111.32 * Math.cos((city.lat * Math.PI) / 180));
  return { lat: Math.round(lat * 1e6) / 1e6, lng: Math.round(lng * 1e6) / 1e6 };
}

function phoneFor(city: City, random: Random): string {
  const digits = Array.from({ length: city.phone.digits }, (_, i) => String(random.int(i === 0 ? 2 : 0, 9))).join('');
  const cut = Math.ceil(digits.length / 2);
  return `${city.phone.prefix} ${digits.slice(0, cut)} ${digits.slice(cut)}`;
}

const slug = (name: string) => name.toLowerCase().replace(/[^a-z]+/g, '-');

/** Centre number `index` (0-based) of the seed: deterministic. */
export function planCentre(index: number): PlannedCentre {
  const { city: cityIndex, ordinal } = cityOf(index);
  const city = CITIES[cityIndex]!;
  const random = createRandom(SEED).fork(`centre:${index}`);
  const district = random.int(0, city.districts.length - 1);
  const districtName = city.districts[district]!;
  const name = random.pick(NAME_STYLES[COUNTRY_OF[city.timezone]!]!)(districtName);
  const number = random.int(1, 240);
  const chain = Math.floor(ordinal / CENTRES_PER_OWNER);
  return {
    index,
    city: city.name,
    owner: { key: `${slug(city.name)}-${chain + 1}`, name: `${city.name} Garages ${chain + 1}` },
    application: {
      name,
      address: `${number} ${random.pick(city.streets)}, ${districtName}, ${city.postcode(district, number)} ${city.name}`,
      location: locationIn(city, random),
      phone: phoneFor(city, random),
      timezone: city.timezone,
      services: servicesFor(city, random),
      openingHours: openingHoursFor(city.habit, random),
      bays: weighted(random, BAY_WEIGHTS) + 1,
    },
  };
}
