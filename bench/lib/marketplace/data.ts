import { ObjectId, type Db } from 'mongodb';
import { CITIES } from '../../../scripts/seed/centres/cities.js';
import { planCentre } from '../../../scripts/seed/centres/centre-plan.js';
import { createRandom } from '../../../scripts/simulator/random.js';
import { applicationSchema } from '../../../subgraphs/marketplace/centres/centre-input.js';
import { CentreStore } from '../../../subgraphs/marketplace/centres/centre.store.js';
import { BAYS } from './options.js';

/*
 * The benchmark's data: `npm run seed`'s centres, written through the marketplace's CentreStore
 * after the same validation as applyAsPartner (applicationSchema), as an approval creates them,
 * but without an application and an audit entry each: 10,000 go in within a minute instead of
 * the seed's ten or so. The search reads nothing else.
 */

const WRITERS = 16;

const ALWAYS_OPEN = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'].map((day) => ({
  day,
  opens: '00:00',
  closes: '24:00',
}));

async function create(store: CentreStore, ownerId: string, application: unknown) {
  const { location, ...profile } = applicationSchema.parse(application);
  return store.createForApplication(new ObjectId(), ownerId, { ...profile, closures: [] }, location, new Date());
}

export async function seedCentres(db: Db, count: number, log: (line: string) => void): Promise<number> {
  const store = new CentreStore(db);
  const ownerId = new ObjectId().toHexString();
  const started = performance.now();
  let next = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      while (next < count) {
        await create(store, ownerId, planCentre(next++).application);
        if (++done % 2000 === 0) log(`  ${done.toLocaleString('en-US')} centres`);
      }
    }),
  );
  return (performance.now() - started) / 1000;
}

/**
 * A round-the-clock, 2-bay workshop in UTC whose hour-long oil change can be booked at any hour:
 * the bookings' target, away from every city (at 0°, 0°) so it never shows in a search.
 */
export async function bookableCentre(db: Db, name: string): Promise<string> {
  const centre = await create(new CentreStore(db), new ObjectId().toHexString(), {
    name,
    address: '1 Bench Road',
    location: { lat: 0, lng: 0 },
    phone: '+44 20 0000 0000',
    timezone: 'UTC',
    services: [{ kind: 'OIL_CHANGE', priceMinor: 8900, currency: 'GBP', durationMinutes: 60 }],
    openingHours: ALWAYS_OPEN,
    bays: BAYS,
  });
  return centre._id.toHexString();
}

/** `count` search points, spread over the seed's cities in their proportions, each within the city's area. */
export function searchPoints(count: number): { lat: number; lng: number }[] {
  const random = createRandom(0xbe7c);
  const total = CITIES.reduce((s, c) => s + c.weight, 0);
  return Array.from({ length: count }, () => {
    let u = random.next() * total;
    const city = CITIES.find((c) => (u -= c.weight) < 0) ?? CITIES[0]!;
    const km = city.radiusKm * Math.sqrt(random.next());
    const bearing = random.between(0, 2 * Math.PI);
    return {
      lat: city.lat + (km * Math.cos(bearing)) / 111.32,
      lng: city.lng + (km * Math.sin(bearing)) / (111.32 * Math.cos((city.lat * Math.PI) / 180)),
    };
  });
}

/** Hour-long slots an hour apart from tomorrow 00:00 UTC: every one on the grid of a round-the-clock centre. */
export function slotStarts(count: number): string[] {
  const first = new Date();
  first.setUTCDate(first.getUTCDate() + 1);
  first.setUTCHours(0, 0, 0, 0);
  return Array.from({ length: count }, (_, i) => new Date(first.getTime() + i * 3_600_000).toISOString());
}
