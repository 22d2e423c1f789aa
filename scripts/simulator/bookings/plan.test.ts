import { applicationSchema } from '../../../subgraphs/marketplace/centres/centre-input.js';
import { serviceForRule } from '../../../subgraphs/marketplace/bookings/alert-suggestions.resolver.js';
import { haversineKm } from '../../../subgraphs/marketplace/geo/haversine.js';
import { CITIES } from '../../seed/centres/cities.js';
import { createRandom } from '../random.js';
import { bookingAdmin } from '../run-simulation.js';
import { chooseBooking, garageApplication, homeNear, partnerStep, slotsToTry, WORK, type OpenAlert } from './plan.js';

const alert = (id: string, severity: string, centres: string[], service = 'COOLING'): OpenAlert => ({
  id,
  rule: 'coolant-overheat',
  severity,
  suggestedService: service,
  suggestedCentres: centres.map((c, i) => ({ id: c, distanceKm: i })),
});

describe("the simulator's drivers", () => {
  it('book for the most severe open alert not booked yet, at the nearest simulated garage suggested', () => {
    const alerts = [alert('a1', 'MEDIUM', ['seeded', 'ours']), alert('a2', 'CRITICAL', ['near', 'ours', 'far'])];
    expect(chooseBooking(alerts, new Set(), new Set(['ours']))).toEqual({
      alertId: 'a2',
      service: 'COOLING',
      centreId: 'ours',
    });
    expect(chooseBooking(alerts, new Set(['a2']), new Set(['ours']))).toMatchObject({
      alertId: 'a1',
      centreId: 'ours',
    });
  });

  it('book the nearest centre when no simulated garage is suggested, and nothing when all is booked or none is near', () => {
    expect(chooseBooking([alert('a1', 'HIGH', ['near', 'far'])], new Set(), new Set(['ours']))).toMatchObject({
      centreId: 'near',
    });
    expect(chooseBooking([alert('a1', 'HIGH', ['near'])], new Set(['a1']), new Set())).toBeNull();
    expect(chooseBooking([alert('a1', 'HIGH', [])], new Set(), new Set())).toBeNull();
    expect(chooseBooking([], new Set(), new Set())).toBeNull();
  });

  it('try the soonest slots that leave time to get there, in order', () => {
    const now = new Date('2026-12-05T10:00:00Z');
    const slots = ['10:00', '10:30', '11:00', '09:30', '11:30', '12:00'].map((t) => ({
      start: `2026-12-05T${t}:00.000Z`,
    }));
    expect(slotsToTry(slots, now, 30)).toEqual([
      '2026-12-05T10:30:00.000Z',
      '2026-12-05T11:00:00.000Z',
      '2026-12-05T11:30:00.000Z',
    ]);
    expect(slotsToTry(slots, now, 180)).toEqual([]);
  });

  it('search from near the garage', () => {
    const garage = { lat: 51.5104, lng: -0.1278 };
    for (let i = 0; i < 50; i++)
      expect(haversineKm(garage, homeNear(garage, createRandom(i)))).toBeLessThanOrEqual(1.001);
  });
});

describe("the simulator's partners", () => {
  it('confirm, start, then complete at the booked price; an oil change replaces the oil and its filter', () => {
    expect(partnerStep({ status: 'REQUESTED', service: 'OIL_CHANGE', priceMinor: 8900 })).toEqual({
      action: 'confirm',
    });
    expect(partnerStep({ status: 'CONFIRMED', service: 'OIL_CHANGE', priceMinor: 8900 })).toEqual({ action: 'start' });
    expect(partnerStep({ status: 'IN_PROGRESS', service: 'OIL_CHANGE', priceMinor: 8900 })).toEqual({
      action: 'complete',
      input: {
        workDone: expect.stringMatching(/oil/i),
        partsReplaced: expect.arrayContaining(['oil filter']),
        totalMinor: 8900,
      },
    });
    for (const status of ['COMPLETED', 'DECLINED', 'CANCELLED', 'NO_SHOW']) {
      expect(partnerStep({ status, service: 'COOLING', priceMinor: 1 })).toBeNull();
    }
  });

  it('record work for every service an alert can lead to', () => {
    for (const rule of ['oil-life-low', 'coolant-overheat', 'battery-not-charging', 'brake-wear', 'dtc-present']) {
      const step = partnerStep({ status: 'IN_PROGRESS', service: serviceForRule(rule), priceMinor: 100 });
      expect(step).toMatchObject({ action: 'complete', input: { workDone: expect.any(String), totalMinor: 100 } });
    }
    expect(Object.keys(WORK).sort()).toEqual(
      ['BATTERY', 'BRAKES', 'COOLING', 'DIAGNOSTICS', 'GENERAL_SERVICE', 'OIL_CHANGE', 'ROADSIDE', 'TYRES'].sort(),
    );
  });

  it('run a garage the marketplace accepts: every service in the city’s currency, open around the clock', () => {
    for (const city of CITIES) {
      const application = garageApplication(city, 'abc123');
      const parsed = applicationSchema.safeParse(application);
      if (!parsed.success) throw new Error(`${city.name}: ${JSON.stringify(parsed.error.issues)}`);
      expect(application.services).toHaveLength(8);
      expect(application.services.every((s) => s.currency === city.currency && s.priceMinor > 0)).toBe(true);
      expect(application.openingHours).toHaveLength(7);
      expect(haversineKm(city, application.location)).toBeLessThan(0.5);
    }
  });
});

describe('--book', () => {
  it('approves its garage as the admin of the environment, whatever provisions the fleet', () => {
    expect(bookingAdmin({}, { ADMIN_EMAIL: 'a@example.com', ADMIN_PASSWORD: 'secret-password' })).toEqual({
      email: 'a@example.com',
      password: 'secret-password',
    });
    expect(bookingAdmin({ adminEmail: 'ops@example.com' }, { ADMIN_PASSWORD: 'pw' })).toMatchObject({
      email: 'ops@example.com',
    });
    expect(() => bookingAdmin({}, { CLUTCH_API_KEY: 'ck_x' })).toThrow(
      /--book approves the simulated garage as an admin/,
    );
  });
});
