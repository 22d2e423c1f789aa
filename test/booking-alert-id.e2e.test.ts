import { computeCheckDigit } from '../subgraphs/vehicles/vin/vin.js';
import { errorCodes } from './client.js';
import { driverWithVehicle, partnerWithCentre, slotAt } from './bookings-setup.js';
import { BookingAlertDocument, LiveAddVehicleDocument, RequestBookingDocument } from './generated/graphql.js';
import { startTestSystem, type TestSystem } from './harness.js';
import type { Driver } from './live.js';

/*
 * requestBooking(alertId) cites an alert of the vehicle booked, checked with health (its
 * vehicle-alert route): another vehicle's alert, the driver's own or not, or an unknown one is
 * BAD_USER_INPUT and stores nothing.
 */

let t: TestSystem;
let centreId: string;
let driver: Driver;
let vehicleId: string;
let secondVehicleId: string;
let stranger: Driver;
let strangerVehicleId: string;
const alerts = () => t.system.deps.mongo.db('health').collection('alerts');
const bookings = () => t.system.deps.mongo.db('marketplace').collection('bookings');

/** An open alert of `vehicle`, as health stores one (its id is health's). */
async function openAlert(vehicle: string, id: string) {
  const at = new Date();
  await alerts().insertOne({
    _id: id as never,
    vehicleId: vehicle,
    rule: 'coolant-overheat',
    part: null,
    severity: 'CRITICAL',
    status: 'OPEN',
    message: 'Coolant at 121 °C',
    value: 121,
    threshold: 115,
    openedAt: at,
    conditionSince: at,
    acknowledgedAt: null,
    acknowledgedBy: null,
    resolvedAt: null,
    history: [{ status: 'OPEN', at, by: null }],
  });
  return id;
}

/** `draft` with its position-9 check digit made right. */
const withCheckDigit = (draft: string) =>
  `${draft.slice(0, 8)}${computeCheckDigit(`${draft.slice(0, 8)}0${draft.slice(9)}`)}${draft.slice(9)}`;

beforeAll(async () => {
  t = await startTestSystem();
  ({ centreId } = await partnerWithCentre(t, 'alert-id-partner@example.com'));
  ({ driver, vehicleId } = await driverWithVehicle(t, 'alert-id-driver@example.com', '1HGCM82633A004352'));
  const second = await t.request(
    LiveAddVehicleDocument,
    { input: { vin: withCheckDigit('2HGFB2F50DH512345'), make: 'Honda', model: 'Civic' } },
    { token: driver.token },
  );
  secondVehicleId = second.data?.addVehicle.id ?? '';
  ({ driver: stranger, vehicleId: strangerVehicleId } = await driverWithVehicle(
    t,
    'alert-id-stranger@example.com',
    withCheckDigit('1FTFW1ET5DFC10312'),
  ));
});
afterAll(() => t.stop());

const book = (token: string, vehicle: string, alertId: string, day: number) =>
  t.request(
    RequestBookingDocument,
    { input: { centreId, vehicleId: vehicle, service: 'OIL_CHANGE', slotStart: slotAt(day, 9), alertId } },
    { token },
  );

describe('requestBooking(alertId)', () => {
  it("books citing an alert of the vehicle booked, which the booking's alert then shows", async () => {
    const alertId = await openAlert(vehicleId, `${vehicleId}:coolant-overheat:1`);
    const made = await book(driver.token, vehicleId, alertId, 2);
    expect(made.errors).toBeUndefined();
    const cited = await t.request(BookingAlertDocument, { id: made.data!.requestBooking.id }, { token: driver.token });
    expect(cited.data!.booking!.alert).toEqual({ id: alertId, rule: 'coolant-overheat', severity: 'CRITICAL' });
  });

  it("refuses another vehicle's alert (the driver's own other car's or a stranger's) and an unknown one with BAD_USER_INPUT, storing nothing", async () => {
    expect(secondVehicleId).not.toBe('');
    const mine = await openAlert(secondVehicleId, `${secondVehicleId}:coolant-overheat:1`);
    const theirs = await openAlert(strangerVehicleId, `${strangerVehicleId}:coolant-overheat:1`);
    const before = await bookings().countDocuments();
    for (const [token, vehicle, alertId] of [
      [driver.token, vehicleId, mine],
      [driver.token, vehicleId, theirs],
      [driver.token, vehicleId, 'no-such-alert'],
      [stranger.token, strangerVehicleId, mine],
    ] as const) {
      const refused = await book(token, vehicle, alertId, 3);
      expect({ alertId, codes: errorCodes(refused) }).toEqual({ alertId, codes: ['BAD_USER_INPUT'] });
      expect(refused.errors![0]!.extensions).toMatchObject({ field: 'alertId' });
    }
    expect(await bookings().countDocuments()).toBe(before);
    // The slot those requests asked for is still free: nothing was claimed.
    expect((await book(driver.token, vehicleId, `${vehicleId}:coolant-overheat:1`, 3)).errors).toBeUndefined();
  });
});
