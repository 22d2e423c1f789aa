import { applicationSchema } from '../../../subgraphs/marketplace/centres/centre-input.js';
import { haversineKm } from '../../../subgraphs/marketplace/geo/haversine.js';
import { CITIES } from './cities.js';
import { CENTRES_PER_OWNER, cityOf, CITY_CYCLE, minorDigits, planCentre, WEEKDAY_NAMES } from './centre-plan.js';

const plans = Array.from({ length: 1400 }, (_, i) => planCentre(i));
const minutes = (clock: string) => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3));

describe("the seed's service centres", () => {
  it('are valid applications by the marketplace’s own rules (applyAsPartner would accept every one)', () => {
    for (const plan of plans) {
      const parsed = applicationSchema.safeParse(plan.application);
      if (!parsed.success) throw new Error(`centre ${plan.index}: ${JSON.stringify(parsed.error.issues)}`);
      // Nothing the validation would change: the timezone is canonical already.
      expect(parsed.data.timezone).toBe(plan.application.timezone);
    }
  });

  it('lie around real city centres, in each city’s IANA zone and currency', () => {
    for (const plan of plans) {
      const city = CITIES.find((c) => c.name === plan.city)!;
      expect(haversineKm(city, plan.application.location)).toBeLessThanOrEqual(city.radiusKm + 0.01);
      expect(plan.application.timezone).toBe(city.timezone);
      expect(plan.application.services.every((s) => s.currency === city.currency)).toBe(true);
      expect(plan.application.address.endsWith(city.name)).toBe(true);
    }
    // Real coordinates: London and New York are where they are.
    expect(CITIES.find((c) => c.name === 'London')).toMatchObject({ timezone: 'Europe/London', currency: 'GBP' });
    expect(
      haversineKm(
        CITIES.find((c) => c.name === 'London')!,
        CITIES.find((c) => c.name === 'New York')!,
      ),
    ).toBeCloseTo(5570, -1);
  });

  it('keep local weekly hours: weekdays open about 08:00-18:00, Saturday mornings, Sunday mostly closed', () => {
    let sundays = 0;
    let saturdays = 0;
    for (const { application } of plans) {
      const byDay = (day: string) => application.openingHours.filter((h) => h.day === day);
      for (const day of WEEKDAY_NAMES.slice(0, 5)) {
        const spans = byDay(day);
        expect(spans.length).toBeGreaterThanOrEqual(1);
        expect(minutes(spans[0]!.opens)).toBeGreaterThanOrEqual(7 * 60);
        expect(minutes(spans[0]!.opens)).toBeLessThanOrEqual(9 * 60);
        expect(minutes(spans.at(-1)!.closes)).toBeGreaterThanOrEqual(16 * 60 + 30);
        expect(minutes(spans.at(-1)!.closes)).toBeLessThanOrEqual(20 * 60);
      }
      for (const h of application.openingHours) expect(minutes(h.opens)).toBeLessThan(minutes(h.closes));
      if (byDay('SATURDAY').length > 0) {
        saturdays++;
        expect(minutes(byDay('SATURDAY').at(-1)!.closes)).toBeLessThanOrEqual(16 * 60);
      }
      if (byDay('SUNDAY').length > 0) sundays++;
    }
    expect(saturdays / plans.length).toBeGreaterThan(0.5);
    expect(sundays / plans.length).toBeLessThan(0.12);
    // Madrid closes for lunch more often than not.
    const madrid = plans.filter((p) => p.city === 'Madrid');
    const split = madrid.filter((p) => p.application.openingHours.filter((h) => h.day === 'MONDAY').length === 2);
    expect(split.length / madrid.length).toBeGreaterThan(0.5);
  });

  it('charge realistic prices in minor units, take realistic times, and have 1 to 6 bays', () => {
    for (const { application } of plans) {
      expect(application.bays).toBeGreaterThanOrEqual(1);
      expect(application.bays).toBeLessThanOrEqual(6);
      expect(application.services.some((s) => s.kind === 'DIAGNOSTICS')).toBe(true);
      for (const s of application.services) {
        expect(Number.isInteger(s.priceMinor)).toBe(true);
        expect(minorDigits(s.currency)).toBe(2);
        // An oil change costs tens, a full service hundreds, never thousands.
        expect(s.priceMinor).toBeGreaterThanOrEqual(35_00);
        expect(s.priceMinor).toBeLessThan(500_00);
        if (s.kind === 'OIL_CHANGE') expect(s.priceMinor).toBeLessThan(150_00);
        expect(s.durationMinutes % 5).toBe(0);
      }
    }
    const bays = new Set(plans.map((p) => p.application.bays));
    expect([...bays].sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('are the same on every run, spread over every city from the first few, in the cities’ proportions', () => {
    expect(planCentre(123)).toEqual(plans[123]);
    expect(new Set(plans.slice(0, 20).map((p) => p.city)).size).toBe(CITIES.length);
    const total = CITIES.reduce((s, c) => s + c.weight, 0);
    expect(CITY_CYCLE).toHaveLength(total);
    for (const [i, city] of CITIES.entries()) {
      expect(plans.filter((p) => p.city === city.name)).toHaveLength((plans.length / total) * city.weight);
      expect(CITY_CYCLE.filter((c) => c === i)).toHaveLength(city.weight);
    }
  });

  it('belong to partners in chains of 25 centres of one city, numbered per city', () => {
    const byOwner = new Map<string, string[]>();
    for (const p of plans) byOwner.set(p.owner.key, [...(byOwner.get(p.owner.key) ?? []), p.city]);
    for (const [key, cities] of byOwner) {
      expect(cities.length).toBeLessThanOrEqual(CENTRES_PER_OWNER);
      expect(new Set(cities).size).toBe(1);
      expect(key.startsWith(cities[0]!.toLowerCase().replace(/[^a-z]+/g, '-'))).toBe(true);
    }
    const ordinals = plans.filter((p) => p.city === 'Berlin').map((p) => cityOf(p.index).ordinal);
    expect(ordinals).toEqual(ordinals.map((_, i) => i));
  });
});

describe('how densely the centres sit', () => {
  it('is about what a real city has: a few per km² near the middle at 10,000 centres, never hundreds', () => {
    const london = CITIES.find((c) => c.name === 'London')!;
    const all = Array.from({ length: 10_000 }, (_, i) => planCentre(i)).filter((p) => p.city === 'London');
    const within = (km: number) => all.filter((p) => haversineKm(london, p.application.location) <= km).length;
    const perKm2 = (km: number) => within(km) / (Math.PI * km * km);
    expect(perKm2(2)).toBeGreaterThan(1);
    expect(perKm2(2)).toBeLessThan(10);
    // Denser near the middle than over the whole area.
    expect(perKm2(2)).toBeGreaterThan(perKm2(london.radiusKm));
  });
});
