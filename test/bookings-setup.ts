import {
  BookingApplyAsPartnerDocument,
  BookingApprovePartnerDocument,
  LiveAddVehicleDocument,
  LoginDocument,
} from './generated/graphql.js';
import { ADMIN, type TestSystem } from './harness.js';
import { registerDriver, type Driver } from './live.js';

/** Open every day around the clock in UTC, so any future slot on the grid is bookable. */
export const ALWAYS_OPEN = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'].map(
  (day) => ({ day, opens: '00:00', closes: '24:00' }),
);

export async function adminToken(t: TestSystem): Promise<string> {
  const login = await t.request(LoginDocument, { email: ADMIN.email, password: ADMIN.password });
  if (login.errors) throw new Error(JSON.stringify(login.errors));
  return login.data!.login.accessToken;
}

/** A partner and their approved centre (2 bays unless told), offering an hour's oil change, a 30-minute diagnosis and a cooling-system repair. */
export async function partnerWithCentre(
  t: TestSystem,
  email: string,
  options: { bays?: number; openingHours?: { day: string; opens: string; closes: string }[]; timezone?: string } = {},
): Promise<{ partner: Driver; centreId: string }> {
  const partner = await registerDriver(t, email);
  const applied = await t.request(
    BookingApplyAsPartnerDocument,
    {
      input: {
        name: `Garage ${email}`,
        address: '1 Main Street',
        location: { lat: 52.52, lng: 13.405 },
        phone: '+49 30 1234567',
        timezone: options.timezone ?? 'UTC',
        services: [
          { kind: 'OIL_CHANGE', priceMinor: 8900, currency: 'EUR', durationMinutes: 60 },
          { kind: 'DIAGNOSTICS', priceMinor: 4900, currency: 'EUR', durationMinutes: 30 },
          { kind: 'COOLING', priceMinor: 15900, currency: 'EUR', durationMinutes: 90 },
        ],
        openingHours: (options.openingHours ?? ALWAYS_OPEN) as never,
        bays: options.bays ?? 2,
      },
    },
    { token: partner.token },
  );
  if (applied.errors) throw new Error(JSON.stringify(applied.errors));
  const approved = await t.request(
    BookingApprovePartnerDocument,
    { id: applied.data!.applyAsPartner.id },
    { token: await adminToken(t) },
  );
  if (approved.errors) throw new Error(JSON.stringify(approved.errors));
  return { partner, centreId: approved.data!.approvePartnerApplication.id };
}

export async function driverWithVehicle(t: TestSystem, email: string, vin: string) {
  const driver = await registerDriver(t, email);
  const added = await t.request(
    LiveAddVehicleDocument,
    { input: { vin, make: 'Honda', model: 'Accord' } },
    { token: driver.token },
  );
  if (added.errors) throw new Error(JSON.stringify(added.errors));
  return { driver, vehicleId: added.data!.addVehicle.id };
}

/** `days` from now at hh:00 UTC: on the half-hour grid of an always-open centre. */
export function slotAt(days: number, hour: number, minute = 0): string {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + days);
  d.setUTCHours(hour, minute, 0, 0);
  return d.toISOString();
}
