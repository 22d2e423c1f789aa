import { ObjectId } from 'mongodb';
import { errorCodes } from './client.js';
import { driverWithVehicle, partnerWithCentre, slotAt } from './bookings-setup.js';
import { marketplaceClient } from '../subgraphs/marketplace/contract.js';
import {
  CommerceAddPartDocument,
  CommerceBookingPaymentDocument,
  CommerceAdjustStockDocument,
  CommerceCentreOrdersDocument,
  CommerceCompleteOrderDocument,
  CommerceMarkOrderReadyDocument,
  CommerceMyOrdersDocument,
  CommerceOrderDocument,
  CommercePartsDocument,
  CommercePlaceOrderDocument,
  CommerceSetBookingPaymentPolicyDocument,
  RequestBookingDocument,
} from './generated/graphql.js';
import { registerDriver } from './live.js';
import type { TestSystem } from './harness.js';
import { startTwoDeployments, type TwoDeployments } from './two-deployments.js';
import { waitFor } from './wait-for.js';

let two: TwoDeployments;

beforeAll(async () => {
  // Unpaid orders let go of their units after 6 s; each instance sweeps twice a second.
  two = await startTwoDeployments({ ORDER_PAYMENT_HOLD_MINUTES: '0.1', ORDER_HOLD_SWEEP_SECONDS: '0.5' });
});
afterAll(() => two.stop());

async function partAt(t: TestSystem, token: string, centreId: string, input: Record<string, unknown> = {}) {
  const added = await t.request(
    CommerceAddPartDocument,
    {
      input: {
        centreId,
        sku: `OF-${new ObjectId().toHexString().slice(-6)}`,
        name: 'Oil filter',
        brand: 'Mahle',
        priceMinor: 1290,
        currency: 'EUR',
        fitment: [{ make: 'Honda', model: 'Accord', yearFrom: 2000, yearTo: 2030 }],
        initialStock: 10,
        ...input,
      },
    },
    { token },
  );
  if (added.errors) throw new Error(JSON.stringify(added.errors));
  return added.data!.addPart;
}

const key = () => `k-${new ObjectId().toHexString()}`;

describe('parts orders through the gateway, on two instances', () => {
  it('sells 10 units to exactly 10 of 100 concurrent one-unit orders sent through both instances; 90 get CONFLICT', async () => {
    const { a, b } = two;
    const { partner, centreId } = await partnerWithCentre(a, 'parts-partner@example.com');
    const part = await partAt(a, partner.token, centreId);
    const buyer = await registerDriver(a, 'parts-buyer@example.com');
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        (i % 2 === 0 ? a : b).request(
          CommercePlaceOrderDocument,
          {
            input: { centreId, items: [{ partId: part.id, quantity: 1 }], fulfilment: 'PICKUP', idempotencyKey: key() },
          },
          { token: buyer.token },
        ),
      ),
    );
    expect(results.filter((r) => r.data?.placeOrder.status === 'PENDING_PAYMENT')).toHaveLength(10);
    expect(results.filter((r) => errorCodes(r)[0] === 'CONFLICT')).toHaveLength(90);
    const mine = await b.request(CommerceMyOrdersDocument, { first: 100 }, { token: buyer.token });
    expect(mine.data!.myOrders.totalCount).toBe(10);
    const found = await b.request(CommercePartsDocument, { centreId }, { token: partner.token });
    expect(found.data!.parts.edges[0].node).toMatchObject({ inStock: false, stock: { quantity: 0, held: 10 } });
  });

  it('finds the parts that fit a driver’s vehicle, pays, readies and completes an order, and lets an unpaid one lapse', async () => {
    const { a, b } = two;
    const { partner, centreId } = await partnerWithCentre(a, 'parts-partner-2@example.com');
    const { driver, vehicleId } = await driverWithVehicle(a, 'parts-driver-2@example.com', '1HGCM82633A004352');
    const fits = await partAt(a, partner.token, centreId, {
      name: 'Brake pads front',
      brand: 'Brembo',
      sku: 'BP-2201',
    });
    await partAt(a, partner.token, centreId, {
      name: 'Brake pads rear',
      brand: 'Brembo',
      fitment: [{ make: 'VW', model: 'Golf', yearFrom: 2000, yearTo: 2030 }],
    });
    const search = await b.request(CommercePartsDocument, { vehicleId, query: 'brem pads' }, { token: driver.token });
    const nodes = (search.data?.parts.edges ?? []).map((e) => e.node);
    expect(nodes.map((n) => n.sku)).toEqual(['BP-2201']);
    expect(nodes[0]).toMatchObject({ inStock: true, stock: null, centre: { id: centreId } });
    // another driver's vehicle is not theirs to search by
    const stranger = await registerDriver(a, 'parts-stranger@example.com');
    const refused = await a.request(CommercePartsDocument, { vehicleId }, { token: stranger.token });
    expect(errorCodes(refused)).toEqual(['FORBIDDEN']);
    // nor is the centre's stock
    const adjusted = await a.request(
      CommerceAdjustStockDocument,
      { partId: fits.id, delta: 5 },
      { token: stranger.token },
    );
    expect(errorCodes(adjusted)).toEqual(['FORBIDDEN']);

    const placed = await a.request(
      CommercePlaceOrderDocument,
      { input: { centreId, items: [{ partId: fits.id, quantity: 2 }], fulfilment: 'PICKUP', idempotencyKey: key() } },
      { token: driver.token },
    );
    const order = placed.data!.placeOrder;
    expect(order).toMatchObject({ status: 'PENDING_PAYMENT', totalMinor: 2580, currency: 'EUR' });
    expect(errorCodes(await b.request(CommerceOrderDocument, { id: order.id }, { token: stranger.token }))).toEqual([
      'NOT_FOUND',
    ]);
    // payments says it was paid (its durable stream, as the payments subgraph appends it)
    await a.system.deps.bus.append('payments.payment.succeeded', {
      paymentId: new ObjectId().toHexString(),
      subjectKind: 'ORDER',
      subjectId: order.id,
      customerId: 'x',
      centreId,
      amountMinor: 2580,
      refundedMinor: 0,
      currency: 'EUR',
      at: new Date().toISOString(),
      failureCode: null,
    });
    await waitFor(async () => {
      const read = await b.request(CommerceOrderDocument, { id: order.id }, { token: driver.token });
      return read.data?.order.status === 'PAID';
    }, 'the order paid');
    expect(
      (await b.request(CommerceMarkOrderReadyDocument, { id: order.id }, { token: partner.token })).data!.markOrderReady
        .status,
    ).toBe('READY');
    expect(
      (await a.request(CommerceCompleteOrderDocument, { id: order.id }, { token: partner.token })).data!.completeOrder
        .status,
    ).toBe('COMPLETED');

    const unpaid = await b.request(
      CommercePlaceOrderDocument,
      { input: { centreId, items: [{ partId: fits.id, quantity: 8 }], fulfilment: 'SHIPPING', idempotencyKey: key() } },
      { token: driver.token },
    );
    expect(unpaid.data!.placeOrder.status).toBe('PENDING_PAYMENT');
    await waitFor(
      async () => {
        const read = await a.request(
          CommerceOrderDocument,
          { id: unpaid.data!.placeOrder.id },
          { token: driver.token },
        );
        return read.data?.order.status === 'CANCELLED';
      },
      'the unpaid order cancelled',
      20_000,
    );
    const stock = await a.request(CommercePartsDocument, { centreId, query: 'BP-2201' }, { token: partner.token });
    expect(stock.data!.parts.edges[0].node.stock).toEqual({ quantity: 8, held: 0 });
    // the centre's booking payment policy is its members' to set, and a deposit needs its amount
    const policy = (token: string, input: { kind: 'NONE' | 'DEPOSIT' | 'FULL'; depositMinor?: number }) =>
      b.request(CommerceSetBookingPaymentPolicyDocument, { centreId, input }, { token });
    expect(errorCodes(await policy(stranger.token, { kind: 'FULL' }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await policy(partner.token, { kind: 'DEPOSIT' }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await policy(partner.token, { kind: 'DEPOSIT', depositMinor: -1 }))).toEqual(['BAD_USER_INPUT']);
    expect(
      (await policy(partner.token, { kind: 'DEPOSIT', depositMinor: 2000 })).data!.setBookingPaymentPolicy,
    ).toEqual({
      kind: 'DEPOSIT',
      depositMinor: 2000,
    });
    const cancelled = await a.request(
      CommerceCentreOrdersDocument,
      { centreId, status: 'CANCELLED' },
      { token: partner.token },
    );
    expect(cancelled.data!.centreOrders.totalCount).toBe(1);
  }, 60_000);

  it("makes a booking payable by its centre's policy: a deposit when requested, paid through payments' stream", async () => {
    const { a, b } = two;
    const { partner, centreId } = await partnerWithCentre(a, 'deposit-partner@example.com');
    const { driver, vehicleId } = await driverWithVehicle(a, 'deposit-driver@example.com', 'WVWZZZ1JZXW000001');
    await b.request(
      CommerceSetBookingPaymentPolicyDocument,
      { centreId, input: { kind: 'DEPOSIT', depositMinor: 2000 } },
      { token: partner.token },
    );
    const booked = await a.request(
      RequestBookingDocument,
      { input: { centreId, vehicleId, service: 'OIL_CHANGE', slotStart: slotAt(3, 10) } },
      { token: driver.token },
    );
    const bookingId = booked.data!.requestBooking.id;
    const payment = async () =>
      (await b.request(CommerceBookingPaymentDocument, { id: bookingId }, { token: driver.token })).data!.booking
        .payment;
    expect(await payment()).toEqual({
      policy: { kind: 'DEPOSIT', depositMinor: 2000 },
      paidMinor: 0,
      dueMinor: 2000,
      currency: 'EUR',
    });
    // what payments asks the marketplace before it charges
    const marketplace = a.system.subgraphs.find((s) => s.name === 'marketplace')!;
    const client = marketplaceClient({ url: marketplace.url, internalSecret: a.config.INTERNAL_SECRET });
    expect(await client.payable({ kind: 'BOOKING', id: bookingId })).toMatchObject({
      payable: true,
      amountMinor: 2000,
      currency: 'EUR',
      centreId,
      lines: [{ quantity: 1, unitAmountMinor: 2000 }],
    });
    await expect(client.payable({ kind: 'ORDER', id: new ObjectId().toHexString() })).rejects.toMatchObject({
      status: 404,
    });
    await b.system.deps.bus.append('payments.payment.succeeded', {
      paymentId: new ObjectId().toHexString(),
      subjectKind: 'BOOKING',
      subjectId: bookingId,
      customerId: 'x',
      centreId,
      amountMinor: 2000,
      refundedMinor: 0,
      currency: 'EUR',
      at: new Date().toISOString(),
      failureCode: null,
    });
    await waitFor(async () => (await payment()).paidMinor === 2000, 'the deposit recorded');
    expect(await payment()).toMatchObject({ dueMinor: 0 });
    expect((await client.payable({ kind: 'BOOKING', id: bookingId })).payable).toBe(false);
  });
});
