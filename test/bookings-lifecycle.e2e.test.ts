import type { Client } from 'graphql-ws';
import { errorCodes } from './client.js';
import { partnerWithCentre, slotAt } from './bookings-setup.js';
import {
  AlertSuggestionsDocument,
  BookingAlertDocument,
  BookingNearbyCentresDocument,
  CancelBookingDocument,
  CentreRatingDocument,
  CompleteBookingDocument,
  ConfirmBookingDocument,
  IngestObdFramesDocument,
  PartnerBookingCustomerEmailDocument,
  PartnerBookingViewDocument,
  PartnerOwnerVehiclesDocument,
  PartnerVehicleOwnerDocument,
  PartnerVehicleReadingsDocument,
  RecordServiceDocument,
  RequestBookingDocument,
  RescheduleBookingDocument,
  ReviewBookingDocument,
  StartBookingDocument,
  VehicleAlertsDocument,
  VehicleHealthDocument,
  VehicleMaintenanceDocument,
} from './generated/graphql.js';
import { startTestSystem, type TestSystem } from './harness.js';
import { collect, liveClient, operationErrors, registerDriver, vehicleWithDevice, type Driver } from './live.js';
import { frames } from './obd-frames.js';
import { waitFor } from './wait-for.js';

const BOOKING_UPDATES = `subscription ($centreId: ID) {
  bookingUpdates(centreId: $centreId) {
    id status service slotStart
    customer { name }
    vehicle { vin make model health { score } }
  }
}`;

let t: TestSystem;
let partner: Driver;
let centreId: string;
let driver: Driver;
let vehicleId: string;
let deviceToken: string;
const clients: Client[] = [];

const startedAt = Date.now() - 3_600_000;
const secondsIn = (s: number) => new Date(startedAt + s * 1000).toISOString();
const upload = async (s: number, list: string[]) => {
  const result = await t.request(
    IngestObdFramesDocument,
    { vehicleId, frames: list, recordedAt: secondsIn(s) },
    { token: deviceToken },
  );
  if (result.errors) throw new Error(JSON.stringify(result.errors));
};
const oil = async () =>
  (await t.request(VehicleHealthDocument, { id: vehicleId }, { token: driver.token })).data!.vehicle!.health.parts.find(
    (p) => p.part === 'ENGINE_OIL',
  )!.score;

beforeAll(async () => {
  t = await startTestSystem();
  ({ partner, centreId } = await partnerWithCentre(t, 'lifecycle-partner@example.com'));
  driver = await registerDriver(t, 'lifecycle-driver@example.com');
  ({ vehicleId, deviceToken } = await vehicleWithDevice(t, driver, '1HGCM82633A004352'));
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await t.stop();
});

function subscribe(token: string, variables: Record<string, unknown>) {
  const client = liveClient(t.url, token);
  clients.push(client);
  return collect(client, BOOKING_UPDATES, variables);
}

/** graphql-ws says nothing when a subscription is live: move a throwaway booking until its event arrives. */
async function untilLive(feeds: { results: unknown[] }[]) {
  const made = await t.request(
    RequestBookingDocument,
    { input: { centreId, vehicleId, service: 'DIAGNOSTICS', slotStart: slotAt(9, 6) } },
    { token: driver.token },
  );
  const id = made.data!.requestBooking.id;
  let hour = 7;
  await waitFor(async () => {
    if (feeds.every((f) => f.results.length > 0)) return true;
    await t.request(RescheduleBookingDocument, { id, slotStart: slotAt(9, hour++) }, { token: driver.token });
    await new Promise((r) => setTimeout(r, 150));
    return feeds.every((f) => f.results.length > 0);
  }, 'the first booking update');
  await t.request(CancelBookingDocument, { id }, { token: driver.token });
  await waitFor(
    async () => feeds.every((f) => f.results.some((r: any) => r.data?.bookingUpdates.status === 'CANCELLED')),
    'the warm-up cancellation',
  );
  for (const f of feeds) f.results.length = 0;
}

describe('the booking lifecycle end to end', () => {
  it('goes from an overheating alert to a booked, confirmed, completed, reviewed oil change', async () => {
    // 1. an overheating alert opens (and the oil ages with the engine running)
    for (let s = 100; s <= 220; s += 10) await upload(s, [frames.rpm(2400), frames.coolant(120)]);
    let alertId = '';
    await waitFor(async () => {
      const alerts = (await t.request(VehicleAlertsDocument, { id: vehicleId }, { token: driver.token })).data!.vehicle!
        .alerts;
      alertId = alerts.find((a) => a.rule === 'coolant-overheat' && a.status === 'OPEN')?.id ?? '';
      return alertId !== '';
    }, 'the overheating alert');
    // the last oil change was most of a year ago
    const old = await t.request(
      RecordServiceDocument,
      { vehicleId, kind: 'OIL_CHANGE', odometerKm: 30_000, at: new Date(Date.now() - 300 * 86_400_000).toISOString() },
      { token: driver.token },
    );
    expect(old.errors).toBeUndefined();
    expect(await oil()).toBeLessThan(100);

    // 2. the driver finds the centres near them: from the alert itself, and by searching
    const suggested = await t.request(
      AlertSuggestionsDocument,
      { id: vehicleId, near: { lat: 52.5205, lng: 13.41 } },
      { token: driver.token },
    );
    expect(suggested.errors).toBeUndefined();
    const overheat = suggested.data!.vehicle!.alerts.find((a) => a.id === alertId)!;
    expect(overheat).toMatchObject({ rule: 'coolant-overheat', suggestedService: 'COOLING' });
    expect(overheat.suggestedCentres.map((c) => c.id)).toContain(centreId);
    const near = await t.request(
      BookingNearbyCentresDocument,
      { near: { lat: 52.5205, lng: 13.41 }, radiusKm: 5, service: 'OIL_CHANGE' },
      { token: driver.token },
    );
    const found = near.data!.serviceCentres.edges.map((e) => e.node);
    expect(found.map((c) => c.id)).toContain(centreId);
    expect(found.find((c) => c.id === centreId)!.distanceKm).toBeLessThan(1);

    // 3-4. the partner, subscribed, receives the booking the driver makes, with federated fields
    const partnerFeed = subscribe(partner.token, { centreId });
    const driverFeed = subscribe(driver.token, {});
    await untilLive([partnerFeed, driverFeed]);
    const slotStart = slotAt(2, 9);
    const booked = await t.request(
      RequestBookingDocument,
      { input: { centreId, vehicleId, service: 'OIL_CHANGE', slotStart, alertId, idempotencyKey: 'lifecycle-0001' } },
      { token: driver.token },
    );
    expect(booked.errors).toBeUndefined();
    const id = booked.data!.requestBooking.id;
    // the booking cites the alert that prompted it, which health resolves for its owner
    const cited = await t.request(BookingAlertDocument, { id }, { token: driver.token });
    expect(cited.data!.booking.alert).toEqual({ id: alertId, rule: 'coolant-overheat', severity: 'CRITICAL' });
    await waitFor(async () => partnerFeed.results.length > 0, 'the partner to hear of the booking');
    expect(partnerFeed.results[0]).toEqual({
      data: {
        bookingUpdates: {
          id,
          status: 'REQUESTED',
          service: 'OIL_CHANGE',
          slotStart,
          customer: { name: 'lifecycle-driver@example.com' },
          vehicle: { vin: '1HGCM82633A004352', make: 'Honda', model: 'Accord', health: { score: expect.any(Number) } },
        },
      },
    });
    // ... and confirms it; the driver hears of that
    expect(
      (await t.request(ConfirmBookingDocument, { id }, { token: partner.token })).data!.confirmBooking.status,
    ).toBe('CONFIRMED');
    await waitFor(
      async () => driverFeed.results.some((r) => r.data?.bookingUpdates.status === 'CONFIRMED'),
      'the driver to hear of the confirmation',
    );

    // 5. the partner starts and completes it with an oil change
    await t.request(StartBookingDocument, { id }, { token: partner.token });
    const done = await t.request(
      CompleteBookingDocument,
      {
        id,
        input: {
          workDone: 'Oil and filter change',
          odometerKm: 48_000,
          partsReplaced: ['oil filter'],
          totalMinor: 8900,
        },
      },
      { token: partner.token },
    );
    expect(done.data!.completeBooking.status).toBe('COMPLETED');
    expect(partnerFeed.results.map((r) => r.data.bookingUpdates.status)).toEqual(
      expect.arrayContaining(['REQUESTED', 'CONFIRMED']),
    );

    // 6. the vehicle's oil health resets, as recordService would, with the service on record
    await waitFor(async () => (await oil()) === 100, 'the oil model to reset');
    const plan = (await t.request(VehicleMaintenanceDocument, { id: vehicleId }, { token: driver.token })).data!
      .vehicle!.maintenance;
    expect(plan.services.map((s) => s.kind)).toEqual(['OIL_CHANGE', 'OIL_CHANGE']);
    expect(plan.odometerKm).toBe(48_000);

    // 7-8. the driver reviews it and the rating updates
    const reviewed = await t.request(
      ReviewBookingDocument,
      { id, rating: 5, comment: 'Great' },
      { token: driver.token },
    );
    expect(reviewed.data!.reviewBooking.rating).toBe(5);
    const centre = (await t.request(CentreRatingDocument, { id: centreId })).data!.serviceCentre!;
    expect(centre.rating).toEqual({ average: 5, count: 1 });
  });

  it("shows a centre's members the booking's customer name and the vehicle's make, model, VIN, health and codes, and nothing else", async () => {
    const made = await t.request(
      RequestBookingDocument,
      { input: { centreId, vehicleId, service: 'OIL_CHANGE', slotStart: slotAt(3, 14) } },
      { token: driver.token },
    );
    const id = made.data!.requestBooking.id;
    const view = await t.request(PartnerBookingViewDocument, { id }, { token: partner.token });
    expect(view.errors).toBeUndefined();
    expect(view.data!.booking).toMatchObject({
      customer: { id: driver.userId, name: 'lifecycle-driver@example.com' },
      vehicle: { vin: '1HGCM82633A004352', make: 'Honda', model: 'Accord', health: { score: expect.any(Number) } },
    });
    expect(Array.isArray(view.data!.booking.vehicle.dtcs)).toBe(true);

    for (const doc of [
      PartnerBookingCustomerEmailDocument,
      PartnerVehicleReadingsDocument,
      PartnerVehicleOwnerDocument,
      PartnerOwnerVehiclesDocument,
    ]) {
      const refused = await t.request(doc as never, { id } as never, { token: partner.token });
      expect(errorCodes(refused)).toContain('FORBIDDEN');
      expect(JSON.stringify(refused.data ?? null)).not.toContain('@example.com');
    }
    // the customer still sees all of it
    expect((await t.request(PartnerVehicleOwnerDocument, { id }, { token: driver.token })).errors).toBeUndefined();

    // another centre's partner sees none of it, and may not follow this centre's bookings
    const other = await partnerWithCentre(t, 'lifecycle-other@example.com');
    expect(errorCodes(await t.request(PartnerBookingViewDocument, { id }, { token: other.partner.token }))).toEqual([
      'FORBIDDEN',
    ]);
    const client = liveClient(t.url, other.partner.token);
    clients.push(client);
    const errors = await operationErrors(client, BOOKING_UPDATES, { centreId });
    expect(errors.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
  });
});
