import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { ObjectId } from 'mongodb';
import { computeCheckDigit } from '../subgraphs/vehicles/vin/vin.js';
import { errorCodes } from './client.js';
import { driverWithVehicle, partnerWithCentre, slotAt } from './bookings-setup.js';
import {
  CancelBookingDocument,
  CompleteBookingDocument,
  ConfirmBookingDocument,
  DeclineBookingDocument,
  LiveAddVehicleDocument,
  MarkNoShowDocument,
  PartnerBookingViewDocument,
  RequestBookingDocument,
  StartBookingDocument,
} from './generated/graphql.js';
import { startTestSystem, type TestSystem } from './harness.js';
import type { Driver } from './live.js';

/*
 * A centre's members see a vehicle (make, model, VIN, health, DTCs) only while a booking at their
 * centre is open (requested, confirmed, in progress) or for PARTNER_VEHICLE_ACCESS_DAYS after it
 * was completed; a declined, cancelled or no-show booking shows them nothing. Each vehicle is
 * asked about once its booking has reached its state: the services that ask the marketplace keep
 * an answer for 10 s.
 */

let t: TestSystem;
let partner: Driver;
let centreId: string;
let driver: Driver;
let vins = 0;
const bookings = () => t.system.deps.mongo.db('marketplace').collection('bookings');

beforeAll(async () => {
  t = await startTestSystem({ PARTNER_VEHICLE_ACCESS_DAYS: '30' });
  ({ partner, centreId } = await partnerWithCentre(t, 'access-partner@example.com'));
  ({ driver } = await driverWithVehicle(t, 'access-driver@example.com', '1HGCM82633A004352'));
});
afterAll(() => t.stop());

/** A new vehicle of the driver's, booked at the centre `days` ahead. */
async function bookedVehicle(days: number) {
  const draft = `1HGCM826_3A0${String(++vins).padStart(5, '0')}`;
  const vin = draft.replace('_', computeCheckDigit(draft.replace('_', '0')));
  const added = await t.request(
    LiveAddVehicleDocument,
    { input: { vin, make: 'Honda', model: 'Civic' } },
    { token: driver.token },
  );
  if (added.errors) throw new Error(JSON.stringify(added.errors));
  const vehicleId = added.data!.addVehicle.id;
  const made = await t.request(
    RequestBookingDocument,
    { input: { centreId, vehicleId, service: 'OIL_CHANGE', slotStart: slotAt(days, 10 + vins) } },
    { token: driver.token },
  );
  if (made.errors) throw new Error(JSON.stringify(made.errors));
  return { vin, vehicleId, id: made.data!.requestBooking.id };
}

const asPartner = <T, V>(doc: TypedDocumentNode<T, V>, vars: V) => t.request(doc, vars, { token: partner.token });

async function complete(id: string) {
  for (const doc of [ConfirmBookingDocument, StartBookingDocument]) {
    const moved = await asPartner(doc as typeof ConfirmBookingDocument, { id });
    if (moved.errors) throw new Error(JSON.stringify(moved.errors));
  }
  const done = await asPartner(CompleteBookingDocument, {
    id,
    input: { workDone: 'Oil change', odometerKm: 10_000, partsReplaced: [], totalMinor: 8900 },
  });
  if (done.errors) throw new Error(JSON.stringify(done.errors));
}

/** What the partner sees of a booking's vehicle: its VIN, health and codes, or the refusal. */
async function partnerView(id: string) {
  const view = await asPartner(PartnerBookingViewDocument, { id });
  return { view, codes: errorCodes(view), json: JSON.stringify(view.data ?? null) };
}

function expectRefused(seen: Awaited<ReturnType<typeof partnerView>>, vin: string) {
  expect(seen.codes.length).toBeGreaterThan(0);
  expect(new Set(seen.codes)).toEqual(new Set(['FORBIDDEN']));
  expect(seen.json).not.toContain(vin);
  expect(seen.json).not.toContain('"score"');
  expect(seen.json).not.toContain('"dtcs":[');
}

describe('what a centre sees of a booked vehicle', () => {
  it('shows the vehicle while its booking is requested, confirmed or in progress', async () => {
    for (const step of [[], [ConfirmBookingDocument], [ConfirmBookingDocument, StartBookingDocument]]) {
      const { id, vin } = await bookedVehicle(3);
      for (const doc of step)
        expect((await asPartner(doc as typeof ConfirmBookingDocument, { id })).errors).toBeUndefined();
      const seen = await partnerView(id);
      expect(seen.view.errors).toBeUndefined();
      expect(seen.view.data!.booking!.vehicle).toMatchObject({ vin, health: { score: expect.any(Number) } });
      expect(Array.isArray(seen.view.data!.booking!.vehicle.dtcs)).toBe(true);
    }
  });

  it('refuses (FORBIDDEN) the vehicle, its health and its codes once the booking is declined, cancelled or a no-show', async () => {
    const declined = await bookedVehicle(4);
    expect(
      (await asPartner(DeclineBookingDocument, { id: declined.id, reason: 'Fully booked' })).errors,
    ).toBeUndefined();
    expectRefused(await partnerView(declined.id), declined.vin);

    const cancelled = await bookedVehicle(4);
    const cancel = await t.request(CancelBookingDocument, { id: cancelled.id, reason: null }, { token: driver.token });
    expect(cancel.errors).toBeUndefined();
    expectRefused(await partnerView(cancelled.id), cancelled.vin);

    // A no-show needs its slot to have begun: moved there in the database.
    const missed = await bookedVehicle(5);
    expect((await asPartner(ConfirmBookingDocument, { id: missed.id })).errors).toBeUndefined();
    await bookings().updateOne(
      { _id: new ObjectId(missed.id) },
      { $set: { slotStart: new Date(Date.now() - 60_000), slotEnd: new Date(Date.now() + 3_540_000) } },
    );
    expect((await asPartner(MarkNoShowDocument, { id: missed.id })).errors).toBeUndefined();
    expectRefused(await partnerView(missed.id), missed.vin);
  });

  it('shows a completed booking’s vehicle for PARTNER_VEHICLE_ACCESS_DAYS (30), not after', async () => {
    const recent = await bookedVehicle(6);
    await complete(recent.id);
    const seen = await partnerView(recent.id);
    expect(seen.view.errors).toBeUndefined();
    expect(seen.view.data!.booking!.vehicle).toMatchObject({ vin: recent.vin });

    // Completed 29 days ago: still within; 31 days ago: past it.
    for (const [days, visible] of [
      [29, true],
      [31, false],
    ] as const) {
      const old = await bookedVehicle(6);
      await complete(old.id);
      await bookings().updateOne(
        { _id: new ObjectId(old.id) },
        { $set: { 'completion.completedAt': new Date(Date.now() - days * 86_400_000) } },
      );
      const view = await partnerView(old.id);
      if (visible) expect(view.view.errors).toBeUndefined();
      else expectRefused(view, old.vin);
    }
  });
});
