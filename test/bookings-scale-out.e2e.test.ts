import { errorCodes } from './client.js';
import { driverWithVehicle, partnerWithCentre, slotAt } from './bookings-setup.js';
import { CentreBookingsDocument, RequestBookingDocument } from './generated/graphql.js';
import { collect, liveClient } from './live.js';
import { startTwoDeployments, type TwoDeployments } from './two-deployments.js';
import { waitFor } from './wait-for.js';

const UPDATES = `subscription ($centreId: ID) { bookingUpdates(centreId: $centreId) { id status vehicle { vin } } }`;

let two: TwoDeployments;

beforeAll(async () => {
  two = await startTwoDeployments();
});
afterAll(() => two.stop());

describe('bookings on two marketplace instances sharing the database', () => {
  it('gives 50 concurrent requests for a 2-bay slot, half through each instance, exactly 2 bookings', async () => {
    const { a, b } = two;
    const { partner, centreId } = await partnerWithCentre(a, 'scale-partner@example.com');
    const { driver, vehicleId } = await driverWithVehicle(a, 'scale-driver@example.com', '1HGCM82633A004352');
    const slotStart = slotAt(3, 10);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        (i % 2 === 0 ? a : b).request(
          RequestBookingDocument,
          { input: { centreId, vehicleId, service: 'OIL_CHANGE', slotStart } },
          { token: driver.token },
        ),
      ),
    );
    const booked = results.filter((r) => r.data?.requestBooking);
    expect(booked).toHaveLength(2);
    expect(results.filter((r) => errorCodes(r)[0] === 'CONFLICT')).toHaveLength(48);
    for (const t of [a, b]) {
      const listed = await t.request(CentreBookingsDocument, { id: centreId }, { token: partner.token });
      expect(listed.data!.serviceCentre!.bookings.totalCount).toBe(2);
    }
  });

  it('returns the first booking to retries with one idempotency key, whichever instance they reach', async () => {
    const { a, b } = two;
    const { partner, centreId } = await partnerWithCentre(a, 'scale-partner-2@example.com');
    const { driver, vehicleId } = await driverWithVehicle(a, 'scale-driver-2@example.com', 'WVWZZZ1JZXW000001');
    const input = {
      centreId,
      vehicleId,
      service: 'OIL_CHANGE' as const,
      slotStart: slotAt(3, 12),
      idempotencyKey: 'scale-retry-1',
    };
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 === 0 ? a : b).request(RequestBookingDocument, { input }, { token: driver.token }),
      ),
    );
    const ids = new Set(results.map((r) => r.data?.requestBooking.id ?? errorCodes(r).join()));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toMatch(/^[0-9a-f]{24}$/);
    const listed = await b.request(CentreBookingsDocument, { id: centreId }, { token: partner.token });
    expect(listed.data!.serviceCentre!.bookings.totalCount).toBe(1);
  });

  it("streams a booking made through one gateway to the centre's member subscribed on the other", async () => {
    const { a, b } = two;
    const { partner, centreId } = await partnerWithCentre(a, 'scale-partner-3@example.com');
    const { driver, vehicleId } = await driverWithVehicle(a, 'scale-driver-3@example.com', '1HGCM82673A004399');
    const client = liveClient(b.url, partner.token);
    try {
      const feed = collect(client, UPDATES, { centreId });
      // graphql-ws does not say when the subscription is live: book slots until one arrives
      let hour = 6;
      await waitFor(async () => {
        await a.request(
          RequestBookingDocument,
          { input: { centreId, vehicleId, service: 'DIAGNOSTICS', slotStart: slotAt(4, hour++) } },
          { token: driver.token },
        );
        await new Promise((r) => setTimeout(r, 200));
        return feed.results.length > 0;
      }, 'a booking update on the other gateway');
      expect(feed.results[0].data.bookingUpdates).toMatchObject({
        status: 'REQUESTED',
        vehicle: { vin: '1HGCM82673A004399' },
      });
    } finally {
      await client.dispose();
    }
  });
});
