import type { Client } from 'graphql-ws';
import type { StreamConsumer } from '../platform/events/bus.js';
import { ROADSIDE_UPDATED, type RoadsideUpdated } from '../subgraphs/marketplace/contract.js';
import { adminToken, ALWAYS_OPEN, driverWithVehicle } from './bookings-setup.js';
import { errorCodes } from './client.js';
import {
  AcceptRoadsideRequestDocument,
  BookingApprovePartnerDocument,
  CancelRoadsideRequestDocument,
  RequestRoadsideHelpDocument,
  RoadsideApplyAsPartnerDocument,
  RoadsideRequestDocument,
  StaffRoadsideRequestsDocument,
} from './generated/graphql.js';
import type { TestSystem } from './harness.js';
import { collect, liveClient, registerDriver, type Driver } from './live.js';
import { startTwoDeployments, type TwoDeployments } from './two-deployments.js';
import { waitFor } from './wait-for.js';

const ROADSIDE_OFFERS = `subscription ($centreId: ID!) {
  roadsideOffers(centreId: $centreId) { requestId status open wave }
}`;
const SPOT = { lat: 40.4168, lng: -3.7038 };

let d: TwoDeployments;
let driver: Driver;
let vehicleId: string;
let first: { partner: Driver; centreId: string };
let second: { partner: Driver; centreId: string };
const clients: Client[] = [];
const announced: RoadsideUpdated[] = [];
let consumer: StreamConsumer;

async function partnerAt(t: TestSystem, email: string, location: { lat: number; lng: number }) {
  const partner = await registerDriver(t, email);
  const applied = await t.request(
    RoadsideApplyAsPartnerDocument,
    {
      input: {
        name: `Garage ${email}`,
        address: '1 Calle Mayor',
        location,
        phone: '+34 91 1234567',
        timezone: 'UTC',
        services: [{ kind: 'ROADSIDE', priceMinor: 6000, currency: 'EUR', durationMinutes: 60 }],
        openingHours: ALWAYS_OPEN as never,
        bays: 1,
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

beforeAll(async () => {
  // One centre a wave, two waves of 3 s: a request not taken is UNANSWERED within about 6 s (a margin
  // for the accepts after the second wave on a loaded machine).
  d = await startTwoDeployments({ ROADSIDE_WAVE_SIZE: '1', ROADSIDE_WAVE_SECONDS: '3', ROADSIDE_WAVES: '2' });
  consumer = d.b.system.deps.bus.consume<RoadsideUpdated>(ROADSIDE_UPDATED, 'roadside-scale-out', 'test', (e) => {
    announced.push(e.payload);
  });
  await consumer.ready;
  first = await partnerAt(d.a, 'so-first@example.com', { lat: 40.417, lng: -3.704 });
  second = await partnerAt(d.b, 'so-second@example.com', { lat: 40.425, lng: -3.71 });
  ({ driver, vehicleId } = await driverWithVehicle(d.a, 'so-driver@example.com', '1HGCM82633A004352'));
}, 60_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await consumer?.stop();
  await d.stop();
});

describe('roadside help on two instances', () => {
  it('moves the waves from either instance and gives the request to exactly one of two partners accepting on different instances', async () => {
    const client = liveClient(d.b.url, second.partner.token);
    clients.push(client);
    const offers = collect(client, ROADSIDE_OFFERS, { centreId: second.centreId });
    const asked = await d.a.request(
      RequestRoadsideHelpDocument,
      { input: { vehicleId, location: SPOT, kind: 'ACCIDENT' } },
      { token: driver.token },
    );
    expect(asked.data!.requestRoadsideHelp).toMatchObject({ status: 'OFFERED', wave: 1 });
    const id = asked.data!.requestRoadsideHelp.id;
    // The second wave reaches the second partner, on the other instance.
    await waitFor(
      () => offers.results.some((r) => r.data?.roadsideOffers.requestId === id && r.data.roadsideOffers.wave === 2),
      'the second wave on the other instance',
    );
    const outcomes = await Promise.all([
      d.a.request(AcceptRoadsideRequestDocument, { id }, { token: first.partner.token }),
      d.b.request(AcceptRoadsideRequestDocument, { id }, { token: second.partner.token }),
    ]);
    const codes = outcomes.map((o) => (o.errors ? errorCodes(o)[0] : 'OK')).sort();
    expect(codes).toEqual(['CONFLICT', 'OK']);
    const read = await d.b.request(RoadsideRequestDocument, { id }, { token: driver.token });
    expect(read.data!.roadsideRequest).toMatchObject({ status: 'ACCEPTED', wave: 2 });
    // Done with it: the vehicle may ask again (one request in progress per vehicle).
    const cancelled = await d.b.request(CancelRoadsideRequestDocument, { id }, { token: driver.token });
    expect(cancelled.data!.cancelRoadsideRequest.status).toBe('CANCELLED');
  }, 30_000);

  it('alerts staff once after the last wave even when the instance that offered the request is gone', async () => {
    const asked = await d.a.request(
      RequestRoadsideHelpDocument,
      { input: { vehicleId, location: SPOT, kind: 'TOWING' } },
      { token: driver.token },
    );
    const id = asked.data!.requestRoadsideHelp.id;
    expect(asked.data!.requestRoadsideHelp.status).toBe('OFFERED');
    // The instance that offered the first wave (and holds its timer) stops.
    const marketplace = d.a.system.subgraphs.find((s) => s.name === 'marketplace')!;
    await marketplace.stop();
    marketplace.stop = async () => undefined;

    const admin = await adminToken(d.b);
    await waitFor(
      async () => {
        const list = await d.b.request(StaffRoadsideRequestsDocument, { status: 'UNANSWERED' }, { token: admin });
        return list.data!.roadsideRequests.edges.some((e) => e.node.id === id);
      },
      'the request UNANSWERED on the staff list',
      15_000,
    );
    const read = await d.b.request(RoadsideRequestDocument, { id }, { token: driver.token });
    expect(read.data!.roadsideRequest).toMatchObject({ status: 'UNANSWERED', wave: 2, offerExpiresAt: null });
    await waitFor(
      () => announced.some((e) => e.requestId === id && e.status === 'UNANSWERED'),
      'the durable UNANSWERED event',
    );
    // A moment for any second instance's duplicate move to show: there is none.
    await new Promise((r) => setTimeout(r, 1_000));
    const statuses = announced.filter((e) => e.requestId === id).map((e) => e.status);
    expect(statuses).toEqual(['REQUESTED', 'OFFERED', 'OFFERED', 'UNANSWERED']);
  }, 40_000);
});
