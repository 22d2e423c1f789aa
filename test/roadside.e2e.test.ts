import type { Client } from 'graphql-ws';
import type { StreamConsumer } from '../platform/events/bus.js';
import { marketplaceClient, ROADSIDE_UPDATED, type RoadsideUpdated } from '../subgraphs/marketplace/contract.js';
import { adminToken, ALWAYS_OPEN } from './bookings-setup.js';
import { errorCodes } from './client.js';
import {
  AcceptRoadsideRequestDocument,
  BookingApprovePartnerDocument,
  CancelRoadsideRequestDocument,
  CompleteRoadsideRequestDocument,
  CreatePaymentDocument,
  IngestObdFramesDocument,
  MarkRoadsideArrivedDocument,
  MyRoadsideRequestsDocument,
  OpenRoadsideOffersDocument,
  RequestRoadsideHelpDocument,
  RoadsideApplyAsPartnerDocument,
  RoadsideRequestDocument,
  RoadsideVehicleStateDocument,
  StaffRoadsideRequestsDocument,
  UpdateRoadsideLocationDocument,
  VehicleAlertsDocument,
} from './generated/graphql.js';
import { startTestSystem, type TestSystem } from './harness.js';
import { startFakeStripe } from './payments-setup.js';
import { collect, liveClient, operationErrors, registerDriver, vehicleWithDevice, type Driver } from './live.js';
import { frames } from './obd-frames.js';
import { waitFor } from './wait-for.js';

const ROADSIDE_UPDATES = `subscription ($id: ID!) {
  roadsideUpdates(requestId: $id) {
    id status version paid
    responder { centre { id } location { lat lng } distanceKm etaMinutes }
    charge { amountMinor currency }
  }
}`;
const ROADSIDE_OFFERS = `subscription ($centreId: ID!) {
  roadsideOffers(centreId: $centreId) { requestId status open acceptedByYou kind distanceKm wave }
}`;

/** The breakdown: in Berlin, a few hundred metres from the nearest partner. */
const BREAKDOWN = { lat: 52.5205, lng: 13.4065 };
const WEEKDAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];
/** Open only on the day after today (UTC): closed now. */
const closedToday = () => [{ day: WEEKDAYS[new Date().getUTCDay() % 7]!, opens: '08:00', closes: '18:00' }];

let t: TestSystem;
let driver: Driver;
let vehicleId: string;
let deviceToken: string;
let stranger: Driver;
let near: { partner: Driver; centreId: string };
let second: { partner: Driver; centreId: string };
let closed: { partner: Driver; centreId: string };
let noRoadside: { partner: Driver; centreId: string };
const clients: Client[] = [];
const announced: RoadsideUpdated[] = [];
let consumer: StreamConsumer;
let stripe: Awaited<ReturnType<typeof startFakeStripe>>;

async function partnerAt(
  email: string,
  location: { lat: number; lng: number },
  options: { roadside?: boolean; openingHours?: { day: string; opens: string; closes: string }[] } = {},
) {
  const partner = await registerDriver(t, email);
  const services = [{ kind: 'DIAGNOSTICS', priceMinor: 4900, currency: 'EUR', durationMinutes: 30 }];
  if (options.roadside !== false)
    services.push({ kind: 'ROADSIDE', priceMinor: 7500, currency: 'EUR', durationMinutes: 60 });
  const applied = await t.request(
    RoadsideApplyAsPartnerDocument,
    {
      input: {
        name: `Garage ${email}`,
        address: '1 Main Street',
        location,
        phone: '+49 30 1234567',
        timezone: 'UTC',
        services: services as never,
        openingHours: (options.openingHours ?? ALWAYS_OPEN) as never,
        bays: 2,
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

function follow(token: string, query: string, variables: Record<string, unknown>) {
  const client = liveClient(t.url, token);
  clients.push(client);
  return collect(client, query, variables);
}

const requestHelp = (token: string, input: Record<string, unknown>) =>
  t.request(RequestRoadsideHelpDocument, { input: input as never }, { token });

const myRequestCount = async (token: string) =>
  (await t.request(MyRoadsideRequestsDocument, {}, { token })).data!.myRoadsideRequests.totalCount;

beforeAll(async () => {
  stripe = await startFakeStripe();
  t = await startTestSystem({
    ...stripe.env,
    ROADSIDE_WAVE_SIZE: '2',
    ROADSIDE_WAVE_SECONDS: '120',
    ROADSIDE_SPEED_KMH: '30',
  });
  stripe.deliverTo(t);
  consumer = t.system.deps.bus.consume<RoadsideUpdated>(ROADSIDE_UPDATED, 'roadside-e2e', 'test', (event) => {
    announced.push(event.payload);
  });
  await consumer.ready;
  // The nearest partner ~100 m away, a second one ~1.5 km away; a nearer one closed today, and a
  // nearer one that does not offer roadside help: neither is offered the request.
  near = await partnerAt('roadside-near@example.com', { lat: 52.5212, lng: 13.4075 });
  second = await partnerAt('roadside-second@example.com', { lat: 52.531, lng: 13.42 });
  closed = await partnerAt(
    'roadside-closed@example.com',
    { lat: 52.5206, lng: 13.4066 },
    { openingHours: closedToday() },
  );
  noRoadside = await partnerAt('roadside-none@example.com', { lat: 52.5207, lng: 13.4067 }, { roadside: false });
  driver = await registerDriver(t, 'roadside-driver@example.com');
  stranger = await registerDriver(t, 'roadside-stranger@example.com');
  ({ vehicleId, deviceToken } = await vehicleWithDevice(t, driver, '1HGCM82633A004352'));
  // The vehicle's state before it broke down: readings, a misfire code and an overheating alert.
  const startedAt = Date.now() - 3_600_000;
  for (let s = 100; s <= 220; s += 10) {
    const up = await t.request(
      IngestObdFramesDocument,
      {
        vehicleId,
        frames: [frames.rpm(2400), frames.coolant(120), frames.misfire],
        recordedAt: new Date(startedAt + s * 1000).toISOString(),
      },
      { token: deviceToken },
    );
    if (up.errors) throw new Error(JSON.stringify(up.errors));
  }
  await waitFor(async () => {
    const alerts = (await t.request(VehicleAlertsDocument, { id: vehicleId }, { token: driver.token })).data!.vehicle!
      .alerts;
    return alerts.some((a) => a.rule === 'coolant-overheat' && a.status === 'OPEN');
  }, 'the overheating alert');
}, 60_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await consumer?.stop();
  await t?.stop();
  await stripe?.fake.close();
});

describe('roadside help end to end', () => {
  it('offers a breakdown to the nearest open partners, the first accept wins, the driver follows the responder, and it completes with a charge', async () => {
    // The partners follow their centres' offers before the breakdown.
    const nearOffers = follow(near.partner.token, ROADSIDE_OFFERS, { centreId: near.centreId });
    const secondOffers = follow(second.partner.token, ROADSIDE_OFFERS, { centreId: second.centreId });

    // 1. a breakdown request goes out
    const asked = await requestHelp(driver.token, {
      vehicleId,
      location: BREAKDOWN,
      kind: 'BREAKDOWN',
      notes: 'Engine stopped, steam from the bonnet',
    });
    expect(asked.errors).toBeUndefined();
    const request = asked.data!.requestRoadsideHelp;
    expect(request).toMatchObject({ status: 'OFFERED', kind: 'BREAKDOWN', wave: 1, responder: null, paid: false });
    expect(request.offerExpiresAt).not.toBeNull();
    const id = request.id;

    // Offered to the two open roadside partners, nearest first; not to the closed one nor the one without roadside help.
    await waitFor(
      () =>
        nearOffers.results.some((r) => r.data?.roadsideOffers.requestId === id) &&
        secondOffers.results.some((r) => r.data?.roadsideOffers.requestId === id),
      'the offers on both partners’ subscriptions',
    );
    const nearOffer = nearOffers.results.find((r) => r.data?.roadsideOffers.requestId === id)!.data.roadsideOffers;
    const secondOffer = secondOffers.results.find((r) => r.data?.roadsideOffers.requestId === id)!.data.roadsideOffers;
    expect(nearOffer).toMatchObject({ status: 'OFFERED', open: true, kind: 'BREAKDOWN', wave: 1 });
    expect(nearOffer.distanceKm).toBeLessThan(secondOffer.distanceKm);
    for (const other of [closed, noRoadside]) {
      const offers = await t.request(
        OpenRoadsideOffersDocument,
        { centreId: other.centreId },
        { token: other.partner.token },
      );
      expect(offers.data!.openRoadsideOffers).toEqual([]);
    }
    const open = await t.request(
      OpenRoadsideOffersDocument,
      { centreId: near.centreId },
      { token: near.partner.token },
    );
    expect(open.data!.openRoadsideOffers.map((o) => o.requestId)).toEqual([id]);
    // Without a centre: the offers to every centre of the caller's (none for someone with no centre).
    const mine = await t.request(OpenRoadsideOffersDocument, {}, { token: second.partner.token });
    expect(mine.data!.openRoadsideOffers.map((o) => [o.requestId, o.centre.id])).toEqual([[id, second.centreId]]);
    expect(
      (await t.request(OpenRoadsideOffersDocument, {}, { token: stranger.token })).data!.openRoadsideOffers,
    ).toEqual([]);

    // An offered partner does not reach the vehicle before taking the request.
    const early = await t.request(RoadsideVehicleStateDocument, { id }, { token: second.partner.token });
    expect(errorCodes(early)).toEqual(['FORBIDDEN']);

    // 2. the nearest partner accepts, and receives the vehicle's readings, trouble codes and alerts with it
    const accepted = await t.request(AcceptRoadsideRequestDocument, { id }, { token: near.partner.token });
    expect(accepted.errors).toBeUndefined();
    const taken = accepted.data!.acceptRoadsideRequest;
    expect(taken.status).toBe('ACCEPTED');
    expect(taken.responder!.centre.id).toBe(near.centreId);
    expect(taken.vehicle.vin).toBe('1HGCM82633A004352');
    expect(taken.vehicle.latestReadings.map((r) => r.pid)).toEqual(expect.arrayContaining(['05', '0C']));
    expect(taken.vehicle.dtcs.map((d) => d.code)).toContain('P0301');
    expect(taken.vehicle.alerts.map((a) => a.rule)).toContain('coolant-overheat');

    // the second partner's accept gets CONFLICT, and its offer shows the request taken
    const late = await t.request(AcceptRoadsideRequestDocument, { id }, { token: second.partner.token });
    expect(errorCodes(late)).toEqual(['CONFLICT']);
    expect(late.errors![0]!.message).toMatch(/already taken/);
    await waitFor(
      () =>
        secondOffers.results.some(
          (r) => r.data?.roadsideOffers.requestId === id && r.data.roadsideOffers.status === 'ACCEPTED',
        ),
      'the taken offer on the second partner’s subscription',
    );
    const seen = secondOffers.results.filter((r) => r.data?.roadsideOffers.requestId === id).at(-1)!.data
      .roadsideOffers;
    expect(seen).toMatchObject({ open: false, acceptedByYou: false });
    // Only the responder reads the vehicle's state: not the partner that lost.
    expect(errorCodes(await t.request(RoadsideVehicleStateDocument, { id }, { token: second.partner.token }))).toEqual([
      'FORBIDDEN',
    ]);
    const state = await t.request(RoadsideVehicleStateDocument, { id }, { token: near.partner.token });
    expect(state.errors).toBeUndefined();
    expect(state.data!.roadsideRequest.vehicle.alerts.map((a) => a.rule)).toContain('coolant-overheat');
    const lost = await t.request(
      UpdateRoadsideLocationDocument,
      { id, location: BREAKDOWN },
      { token: second.partner.token },
    );
    expect(errorCodes(lost)).toEqual(['FORBIDDEN']);

    // 3. the driver follows: the current state first, then every location update with its ETA
    const updates = follow(driver.token, ROADSIDE_UPDATES, { id });
    await waitFor(() => updates.results.length > 0, 'the current state on the driver’s subscription');
    expect(updates.results[0].data.roadsideUpdates).toMatchObject({ id, status: 'ACCEPTED' });
    const route = [
      { lat: 52.5212, lng: 13.4075 },
      { lat: 52.5209, lng: 13.4071 },
    ];
    for (const location of route) {
      const sent = await t.request(UpdateRoadsideLocationDocument, { id, location }, { token: near.partner.token });
      expect(sent.errors).toBeUndefined();
      expect(sent.data!.updateRoadsideLocation.status).toBe('EN_ROUTE');
    }
    await waitFor(
      () =>
        updates.results.filter((r) => r.data?.roadsideUpdates.responder?.location?.lat === route[1]!.lat).length > 0,
      'the last location on the driver’s subscription',
    );
    const followed = updates.results.map((r) => r.data.roadsideUpdates);
    const enRoute = followed.filter((u) => u.status === 'EN_ROUTE');
    expect(enRoute.map((u) => u.responder.location)).toEqual(route);
    // ~102 m then ~47 m at 30 km/h: a minute each, rounded up; the distance falls.
    expect(enRoute[0].responder.distanceKm).toBeGreaterThan(enRoute[1].responder.distanceKm);
    expect(enRoute.map((u) => u.responder.etaMinutes)).toEqual([1, 1]);
    expect(followed.map((u) => u.version)).toEqual([...followed.map((u) => u.version)].sort((a, b) => a - b));

    // 4. the responder arrives and completes with a charge
    expect(
      (await t.request(MarkRoadsideArrivedDocument, { id }, { token: near.partner.token })).data!.markRoadsideArrived
        .status,
    ).toBe('ARRIVED');
    const bad = await t.request(
      CompleteRoadsideRequestDocument,
      { id, charge: { amountMinor: -5, currency: 'EUR' } },
      { token: near.partner.token },
    );
    expect(errorCodes(bad)).toEqual(['BAD_USER_INPUT']);
    const done = await t.request(
      CompleteRoadsideRequestDocument,
      { id, charge: { amountMinor: 7500, currency: 'EUR' } },
      { token: near.partner.token },
    );
    expect(done.errors).toBeUndefined();
    expect(done.data!.completeRoadsideRequest).toMatchObject({
      status: 'COMPLETED',
      charge: { amountMinor: 7500, currency: 'EUR' },
      paid: false,
    });
    await waitFor(
      () => updates.results.some((r) => r.data?.roadsideUpdates.status === 'COMPLETED'),
      'the completion on the driver’s subscription',
    );

    // The charge is payable through the marketplace's payables route (what payments charges).
    const marketplace = t.system.subgraphs.find((s) => s.name === 'marketplace')!;
    const payable = await marketplaceClient({ url: marketplace.url, internalSecret: t.config.INTERNAL_SECRET }).payable(
      {
        kind: 'ROADSIDE',
        id,
      },
    );
    expect(payable).toMatchObject({
      kind: 'ROADSIDE',
      id,
      customerId: driver.userId,
      centreId: near.centreId,
      centreMemberIds: [near.partner.userId],
      status: 'COMPLETED',
      payable: true,
      amountMinor: 7500,
      currency: 'EUR',
      lines: [{ quantity: 1, unitAmountMinor: 7500 }],
    });

    // The driver pays it through payments; payments' success marks it paid (the driver sees it live).
    const paid = await t.request(
      CreatePaymentDocument,
      {
        input: {
          subjectKind: 'ROADSIDE',
          subjectId: id,
          paymentMethodId: 'pm_card_visa',
          idempotencyKey: `roadside-${id}`,
        },
      },
      { token: driver.token },
    );
    expect(paid.errors).toBeUndefined();
    expect(paid.data!.createPayment).toMatchObject({ status: 'SUCCEEDED', amountMinor: 7500, currency: 'EUR' });
    await waitFor(
      () => updates.results.some((r) => r.data?.roadsideUpdates.paid === true),
      'the paid mark on the driver’s subscription',
    );
    const settled = await t.request(RoadsideRequestDocument, { id }, { token: driver.token });
    expect(settled.data!.roadsideRequest).toMatchObject({ status: 'COMPLETED', paid: true });
    expect(
      await marketplaceClient({ url: marketplace.url, internalSecret: t.config.INTERNAL_SECRET }).payable({
        kind: 'ROADSIDE',
        id,
      }),
    ).toMatchObject({ payable: false, amountMinor: 7500 });
    // Someone else cannot pay (or learn of) the driver's request: payments says it does not exist.
    const foreign = await t.request(
      CreatePaymentDocument,
      {
        input: { subjectKind: 'ROADSIDE', subjectId: id, paymentMethodId: 'pm_card_visa', idempotencyKey: `x-${id}` },
      },
      { token: stranger.token },
    );
    expect(errorCodes(foreign)).toEqual(['NOT_FOUND']);

    // Every change went out durably, in order.
    await waitFor(
      () => announced.filter((e) => e.requestId === id).some((e) => e.status === 'COMPLETED'),
      'the durable completion',
    );
    expect([...new Set(announced.filter((e) => e.requestId === id).map((e) => e.status))]).toEqual([
      'REQUESTED',
      'OFFERED',
      'ACCEPTED',
      'EN_ROUTE',
      'ARRIVED',
      'COMPLETED',
    ]);
    expect(announced.find((e) => e.requestId === id && e.status === 'ACCEPTED')!.centreId).toBe(near.centreId);

    // Its access ends with the help: a completed request can no longer be moved.
    const again = await t.request(
      UpdateRoadsideLocationDocument,
      { id, location: BREAKDOWN },
      { token: near.partner.token },
    );
    expect(errorCodes(again)).toEqual(['CONFLICT']);
  }, 60_000);

  it('refuses bad input with a code and stores nothing, and a second request for a vehicle already helped', async () => {
    const before = await myRequestCount(driver.token);
    const good = { vehicleId, location: BREAKDOWN, kind: 'FLAT_TYRE', notes: null };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...good, location: { lat: 91, lng: 13 } }, 'BAD_USER_INPUT'],
      [{ ...good, location: { lat: 52, lng: -180.5 } }, 'BAD_USER_INPUT'],
      [{ ...good, notes: 'x'.repeat(501) }, 'BAD_USER_INPUT'],
      [{ ...good, notes: 'help\u0000' }, 'BAD_USER_INPUT'],
    ];
    for (const [input, code] of cases) expect(errorCodes(await requestHelp(driver.token, input))).toEqual([code]);
    // An unknown kind never reaches the marketplace: the gateway refuses the variable's enum value.
    expect(errorCodes(await requestHelp(driver.token, { ...good, kind: 'EXPLOSION' }))).toEqual(['BAD_USER_INPUT']);
    // Someone else's vehicle, or one that does not exist: FORBIDDEN alike.
    expect(errorCodes(await requestHelp(stranger.token, good))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await requestHelp(driver.token, { ...good, vehicleId: 'no-such-vehicle' }))).toEqual([
      'FORBIDDEN',
    ]);
    expect(errorCodes(await requestHelp('', good))).toEqual(['UNAUTHENTICATED']);
    expect(await myRequestCount(driver.token)).toBe(before);
    expect(await myRequestCount(stranger.token)).toBe(0);
    // One request in progress per vehicle: a second one is CONFLICT until the first is over.
    const first = await requestHelp(driver.token, good);
    expect(first.errors).toBeUndefined();
    const firstId = first.data!.requestRoadsideHelp.id;
    expect(errorCodes(await requestHelp(driver.token, { ...good, kind: 'BATTERY' }))).toEqual(['CONFLICT']);
    expect(await myRequestCount(driver.token)).toBe(before + 1);
    const cancelled = await t.request(CancelRoadsideRequestDocument, { id: firstId }, { token: driver.token });
    expect(cancelled.data!.cancelRoadsideRequest.status).toBe('CANCELLED');
  });

  it('lets only the driver, the responder and staff read or follow a request, and each act only on their part', async () => {
    const asked = await requestHelp(driver.token, { vehicleId, location: BREAKDOWN, kind: 'BATTERY' });
    const id = asked.data!.requestRoadsideHelp.id;
    // Not yet taken: an offered partner acts on the offer, not on the request.
    expect(errorCodes(await t.request(RoadsideRequestDocument, { id }, { token: near.partner.token }))).toEqual([
      'FORBIDDEN',
    ]);
    expect(errorCodes(await t.request(RoadsideRequestDocument, { id }, { token: stranger.token }))).toEqual([
      'FORBIDDEN',
    ]);
    expect(
      (await t.request(RoadsideRequestDocument, { id }, { token: await adminToken(t) })).data!.roadsideRequest.id,
    ).toBe(id);
    // The driver cannot accept; a partner never offered it cannot; nobody but the responder moves it.
    expect(errorCodes(await t.request(AcceptRoadsideRequestDocument, { id }, { token: driver.token }))).toEqual([
      'FORBIDDEN',
    ]);
    expect(errorCodes(await t.request(AcceptRoadsideRequestDocument, { id }, { token: closed.partner.token }))).toEqual(
      ['FORBIDDEN'],
    );
    expect(errorCodes(await t.request(MarkRoadsideArrivedDocument, { id }, { token: near.partner.token }))).toEqual([
      'FORBIDDEN',
    ]);
    // Offers and staff lists are their readers' only.
    expect(
      errorCodes(await t.request(OpenRoadsideOffersDocument, { centreId: near.centreId }, { token: stranger.token })),
    ).toEqual(['FORBIDDEN']);
    expect(
      errorCodes(await t.request(StaffRoadsideRequestsDocument, { status: 'OFFERED' }, { token: driver.token })),
    ).toEqual(['FORBIDDEN']);
    const staffList = await t.request(
      StaffRoadsideRequestsDocument,
      { status: 'OFFERED' },
      { token: await adminToken(t) },
    );
    expect(staffList.data!.roadsideRequests.edges.map((e) => e.node.id)).toContain(id);
    // Subscriptions refuse before any event.
    const client = liveClient(t.url, stranger.token);
    clients.push(client);
    expect((await operationErrors(client, ROADSIDE_UPDATES, { id })).map((e) => e.extensions?.code)).toEqual([
      'FORBIDDEN',
    ]);
    expect(
      (await operationErrors(client, ROADSIDE_OFFERS, { centreId: near.centreId })).map((e) => e.extensions?.code),
    ).toEqual(['FORBIDDEN']);

    // Taken: the responder reads it; a partner cannot cancel it; the driver can.
    expect(
      (await t.request(AcceptRoadsideRequestDocument, { id }, { token: near.partner.token })).errors,
    ).toBeUndefined();
    expect(
      (await t.request(RoadsideRequestDocument, { id }, { token: near.partner.token })).data!.roadsideRequest.id,
    ).toBe(id);
    expect(errorCodes(await t.request(CancelRoadsideRequestDocument, { id }, { token: near.partner.token }))).toEqual([
      'FORBIDDEN',
    ]);
    expect(errorCodes(await t.request(CancelRoadsideRequestDocument, { id }, { token: stranger.token }))).toEqual([
      'FORBIDDEN',
    ]);
    const cancelled = await t.request(
      CancelRoadsideRequestDocument,
      { id, reason: 'Got it started' },
      { token: driver.token },
    );
    expect(cancelled.data!.cancelRoadsideRequest.status).toBe('CANCELLED');
    // Once the help ended, the responder still reads the request but no longer the vehicle's
    // readings and alerts (telemetry and health ask the marketplace; an answer is kept 10 s at most).
    await waitFor(
      async () => {
        await new Promise((r) => setTimeout(r, 250));
        const after = await t.request(RoadsideVehicleStateDocument, { id }, { token: near.partner.token });
        // The request itself is still theirs to read: the refusals are telemetry's and health's, on the vehicle's fields.
        const refused = ((after.errors ?? []) as { path?: string[]; extensions?: { code?: string } }[])
          .map((e) => `${e.path?.join('.')} ${e.extensions?.code}`)
          .sort();
        return (
          refused.join() ===
          ['roadsideRequest.vehicle.alerts FORBIDDEN', 'roadsideRequest.vehicle.latestReadings FORBIDDEN'].join()
        );
      },
      'the responder’s access to end',
      20_000,
    );
  }, 40_000);
});
