import { HEALTH_ALERTS } from '../../health/contract.js';
import { BOOKING_CHANGED, ORDER_UPDATED, ROADSIDE_UPDATED, STOCK_LOW } from '../../marketplace/contract.js';
import { PAYMENT_FAILED, PAYMENT_REFUNDED, PAYMENT_SUCCEEDED } from '../../payments/contract.js';
import { useScratchDatabase } from '../../../test/scratch-database.js';
import { waitFor } from '../../../test/wait-for.js';
import type { RecipientDirectory } from '../recipients/directory.js';
import { testPipeline } from '../testing/pipeline-harness.js';
import { bookingsSource } from './bookings.source.js';
import { ordersSource, paymentSources, roadsideSource, stockSource } from './commerce.source.js';
import { healthAlertsSource } from './health-alerts.source.js';
import { StreamSources, type StreamSource } from './stream-sources.js';

const db = useScratchDatabase('notifications_sources');

const CENTRE = 'c'.repeat(24);
const directory: RecipientDirectory = {
  vehicleOwners: async (ids) => new Map(ids.filter((id) => id !== 'v-removed').map((id) => [id, `owner-${id}`])),
  centreMembers: async (centreId) => (centreId === CENTRE ? ['partner-1', 'partner-2'] : []),
};
const at = '2026-03-10T10:00:00.000Z';
const payment = (customerId: string, over: object = {}) => ({
  paymentId: 'p'.repeat(24).replace(/p/g, 'a'),
  subjectKind: 'ORDER',
  subjectId: 'o1',
  customerId,
  centreId: CENTRE,
  amountMinor: 12_500,
  refundedMinor: 0,
  currency: 'AED',
  at,
  failureCode: null,
  ...over,
});

describe('sources: each durable stream becomes notifications, once', () => {
  it('turns every contract stream into the right entries for the right people, and a redelivery into nothing', async () => {
    const p = await testPipeline(db());
    const { dispatcher, schedule } = p;
    const sources = new StreamSources(
      p.bus,
      [
        healthAlertsSource(dispatcher, directory),
        bookingsSource(dispatcher, directory, schedule, 24 * 3_600_000),
        ordersSource(dispatcher, directory),
        ...paymentSources(dispatcher),
        roadsideSource(dispatcher),
        stockSource(dispatcher, directory),
      ] as StreamSource<never>[] as StreamSource[],
      { blockMs: 50 },
    );
    await sources.start();
    try {
      const kinds = async (userId: string) => (await p.notifications.forUser(userId)).map((n) => n.kind).sort();
      await p.bus.append(ORDER_UPDATED, {
        orderId: 'o'.repeat(24).replace(/o/g, 'b'),
        customerId: 'cust-1',
        centreId: CENTRE,
        status: 'PAID',
        totalMinor: 12_500,
        currency: 'AED',
        at,
      });
      await p.bus.append(PAYMENT_SUCCEEDED, payment('cust-1'));
      await p.bus.append(PAYMENT_FAILED, payment('cust-2', { failureCode: 'card_declined' }));
      await p.bus.append(PAYMENT_REFUNDED, payment('cust-1', { refundedMinor: 12_500 }));
      await p.bus.append(STOCK_LOW, {
        centreId: CENTRE,
        partId: 'f'.repeat(24),
        sku: 'BRK-1',
        name: 'Brake pads',
        quantity: 2,
        threshold: 5,
        at,
      });
      await p.bus.append(ROADSIDE_UPDATED, {
        requestId: 'd'.repeat(24),
        customerId: 'cust-3',
        vehicleId: 'v3',
        status: 'OFFERED',
        centreId: null,
        at,
      });
      await p.bus.append(ROADSIDE_UPDATED, {
        requestId: 'd'.repeat(24),
        customerId: 'cust-3',
        vehicleId: 'v3',
        status: 'EN_ROUTE',
        centreId: CENTRE,
        at,
      });
      const bookingChange = {
        bookingId: 'e'.repeat(24),
        centreId: CENTRE,
        customerId: 'cust-4',
        vehicleId: 'v4',
        service: 'BRAKES',
        status: 'CONFIRMED',
        slotStart: '2030-01-01T09:00:00.000Z',
        slotEnd: '2030-01-01T10:00:00.000Z',
        at,
      };
      await p.bus.append(BOOKING_CHANGED, bookingChange);
      await p.bus.append(BOOKING_CHANGED, bookingChange); // a redelivery, as a publisher retry makes one
      // Handled after both, in stream order: once it is in, the redelivery has been handled too.
      await p.bus.append(BOOKING_CHANGED, { ...bookingChange, customerId: 'cust-5', bookingId: '5'.repeat(24) });
      await p.bus.append(HEALTH_ALERTS, {
        id: 'al-1',
        vehicleId: 'v-removed',
        rule: 'coolant-overheat',
        part: null,
        severity: 'CRITICAL',
        status: 'OPEN',
        message: 'hot',
        value: 120,
        threshold: 110,
        openedAt: at,
        acknowledgedAt: null,
        resolvedAt: null,
        history: [{ status: 'OPEN', at, by: null }],
      });

      await waitFor(async () => (await kinds('partner-2')).length === 4, 'the partners’ entries');
      await waitFor(async () => (await kinds('cust-5')).length === 1, 'the last booking entry');
      expect(await kinds('cust-4')).toEqual(['BOOKING_CHANGED']);
      expect(await kinds('cust-1')).toEqual(['ORDER_UPDATED', 'PAYMENT_REFUNDED', 'PAYMENT_SUCCEEDED']);
      expect(await kinds('cust-2')).toEqual(['PAYMENT_FAILED']);
      expect(await kinds('cust-3')).toEqual(['ROADSIDE_UPDATED']);
      // Members hear of a paid order to prepare, low stock and bookings at their centre.
      expect(await kinds('partner-1')).toEqual(['BOOKING_CHANGED', 'BOOKING_CHANGED', 'ORDER_UPDATED', 'STOCK_LOW']);
      const failed = (await p.notifications.forUser('cust-2'))[0]!;
      expect(failed.body).toContain('card declined');
      expect(failed.deepLink).toBe(`clutch://payments/${'a'.repeat(24)}`);
      // The booking's reminder is planned for a day before its slot.
      const reminder = await db()
        .collection<{ _id: string }>('notification_schedule')
        .findOne({ _id: `reminder:${'e'.repeat(24)}` });
      expect(reminder).toMatchObject({ dueAt: new Date('2029-12-31T09:00:00.000Z') });
      // A removed vehicle's alert has nobody to tell.
      expect(await db().collection('notifications').countDocuments({ userId: 'owner-v-removed' })).toBe(0);
    } finally {
      await sources.stop();
      await p.close();
    }
  });
});
