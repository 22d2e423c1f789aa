import { ObjectId, type Db, type Document } from 'mongodb';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import type { Viewer } from '../../../platform/auth/viewer.js';
import type { EventBus } from '../../../platform/events/bus.js';
import { useScratchDatabase } from '../../../test/scratch-database.js';
import { itServesEveryQueryFromAnIndex, recordQueries } from '../../../test/indexed-queries.js';
import type { BookingDocument } from '../bookings/booking.store.js';
import { BookingStore } from '../bookings/booking.store.js';
import type { CentreDocument } from '../centres/centre.store.js';
import { ORDER_UPDATED, STOCK_LOW } from '../contract.js';
import { MARKETPLACE_INDEXES } from '../declared-indexes.js';
import { MAX_STOCK, StockStore, type StockDocument } from '../inventory/stock.store.js';
import { StockEvents } from '../inventory/stock-events.js';
import { PartStore } from '../parts/part.store.js';
import type { PaymentEvent } from '../payables/payment-event.js';
import { PaymentPolicyStore } from '../payables/payment-policy.store.js';
import { PaymentConsumer } from '../payables/payment-consumer.js';
import { createCommerceModule, type CommerceModule } from './commerce-module.js';
import { HoldSweep } from './hold-sweep.js';
import { OrderEvents } from './order-events.js';
import { OrderService } from './order.service.js';
import { OrderStore } from './order.store.js';

const user = (userId: string, roles: string[] = ['CUSTOMER']): Viewer => ({ kind: 'user', userId, roles }) as Viewer;
const alice = user('alice');
const bob = user('bob');
const mechanic = user('mechanic', ['PARTNER']);
const rival = user('rival', ['PARTNER']);
const centreA = new ObjectId();
const centreB = new ObjectId();
const centre = (_id: ObjectId, members: string[]) =>
  ({ _id, name: `Garage ${members[0]}`, memberIds: members, members: [] }) as unknown as CentreDocument;
const centres = new Map([
  [centreA.toHexString(), centre(centreA, ['mechanic'])],
  [centreB.toHexString(), centre(centreB, ['rival'])],
]);

/** A bus that keeps what is appended (durable streams); nothing is consumed here. */
function recordingBus() {
  const appended: { stream: string; payload: Record<string, unknown> }[] = [];
  const bus = {
    appended,
    /** While set, appends fail (a broker that is down). */
    down: false,
    publish: async () => undefined,
    subscribe: () => Object.assign(() => undefined, { ready: Promise.resolve() }),
    append: async (stream: string, payload: unknown) => {
      if (bus.down) throw new Error('bus down');
      appended.push({ stream, payload: JSON.parse(JSON.stringify(payload)) });
      return `${appended.length}-0`;
    },
    consume: () => ({ ready: Promise.resolve(), stop: async () => undefined }),
    close: async () => undefined,
  };
  return bus;
}

const code = (promise: Promise<unknown>) =>
  promise.then(
    () => 'OK',
    (e: { extensions?: { code?: string } }) => e.extensions?.code ?? String(e),
  );

describe('parts, stock and orders', () => {
  const db = useScratchDatabase('commerce', { monitorCommands: true, beforeDrop: () => commerce?.stop() });
  const recorder = recordQueries(db);
  let bus: ReturnType<typeof recordingBus>;
  let commerce: CommerceModule;
  let now = new Date('2026-05-01T10:00:00Z');
  const profiles = new Map([
    ['v-civic', { vehicleId: 'v-civic', make: 'Honda', model: 'Civic', year: 2018, active: true }],
  ]);
  const deps = () => commerce.resolverDeps;

  const stockOf = async (partId: string) => (await new StockStore(db()).findById(new ObjectId(partId)))!;
  const orderCount = () => db().collection(OrderStore.collection).estimatedDocumentCount();

  async function addPart(overrides: Record<string, unknown> = {}, by: Viewer = mechanic) {
    return deps().partService.add(by, {
      centreId: centreA.toHexString(),
      sku: `SKU-${new ObjectId().toHexString().slice(-8)}`,
      name: 'Oil filter',
      brand: 'Mahle',
      priceMinor: 1200,
      currency: 'EUR',
      fitment: [{ make: 'Honda', model: 'Civic', yearFrom: 2015, yearTo: 2020 }],
      initialStock: 10,
      lowStockThreshold: 0,
      ...overrides,
    } as never);
  }

  async function order(
    by: Viewer,
    items: { partId: string; quantity: number }[],
    key = new ObjectId().toHexString(),
    centreId = centreA,
  ) {
    return deps().orderService.place(by, {
      centreId: centreId.toHexString(),
      items,
      fulfilment: 'PICKUP',
      idempotencyKey: key,
    });
  }

  beforeAll(async () => {
    bus = recordingBus();
    commerce = await createCommerceModule({
      db: db() as Db,
      bus: bus as unknown as EventBus,
      logger: pino({ level: 'silent' }),
      centres: { findById: async (id) => centres.get(id.toHexString()) ?? null },
      access: { ownership: async (vehicleId) => ({ vehicleId, ownerId: 'alice', active: true }) },
      profiles: { profile: async (id) => profiles.get(id) ?? null },
      bookings: new BookingStore(db()),
      bookingService: {} as never,
      settings: { paymentHoldMinutes: 15, holdSweepSeconds: 3600 },
      clock: () => now,
    });
  });

  describe('catalogue', () => {
    it('lets only members of the centre add parts, and refuses bad input, storing nothing', async () => {
      const before = await db().collection(PartStore.collection).estimatedDocumentCount();
      expect(await code(addPart({}, rival))).toBe('FORBIDDEN');
      expect(await code(addPart({}, alice))).toBe('FORBIDDEN');
      expect(await code(addPart({ currency: 'eur' }))).toBe('BAD_USER_INPUT');
      expect(await code(addPart({ currency: 'XXY' }))).toBe('BAD_USER_INPUT');
      expect(await code(addPart({ priceMinor: -5 }))).toBe('BAD_USER_INPUT');
      expect(await code(addPart({ priceMinor: 12.5 }))).toBe('BAD_USER_INPUT');
      expect(await code(addPart({ initialStock: -1 }))).toBe('BAD_USER_INPUT');
      expect(await code(addPart({ fitment: [{ make: 'Honda', model: 'Civic', yearFrom: 2020, yearTo: 2010 }] }))).toBe(
        'BAD_USER_INPUT',
      );
      expect(await db().collection(PartStore.collection).estimatedDocumentCount()).toBe(before);
      await addPart({ sku: 'dup-1' });
      expect(await code(addPart({ sku: 'DUP 1' }))).toBe('CONFLICT');
    });

    it('finds parts by word prefixes of name, brand and SKU, by vehicle fitment and by centre, a page at a time', async () => {
      const pads = await addPart({ sku: 'BP-7781', name: 'Brake pads front', brand: 'Brembo' });
      await addPart({
        sku: 'BP-9',
        name: 'Brake pads rear',
        brand: 'ATE',
        fitment: [{ make: 'VW', model: 'Golf', yearFrom: 2010, yearTo: 2019 }],
      });
      await addPart({
        sku: 'OLD-1',
        name: 'Brake disc',
        brand: 'Brembo',
        fitment: [{ make: 'honda', model: 'CIVIC', yearFrom: 1995, yearTo: 2000 }],
      });
      await addPart({ sku: 'X-1', name: 'Brake fluid', brand: 'Brembo', centreId: centreB.toHexString() }, rival);
      const ids = async (args: Record<string, unknown>) =>
        (await deps().partService.search(alice, args)).edges.map((e) => e.node.sku);

      expect(await ids({ query: 'brem pad' })).toEqual(['BP-7781']);
      expect(await ids({ query: 'bp7781' })).toEqual(['BP-7781']);
      expect((await ids({ query: 'brake', vehicleId: 'v-civic' })).sort()).toEqual(['BP-7781', 'X-1']);
      expect(await ids({ query: 'disc', vehicleId: 'v-civic' })).toEqual([]);
      expect((await ids({ query: 'brembo' })).sort()).toEqual(['BP-7781', 'OLD-1', 'X-1']);
      expect(await ids({ query: 'brembo', centreId: centreB.toHexString() })).toEqual(['X-1']);
      const first = await deps().partService.search(alice, { query: 'brake', first: 2 });
      expect(first.edges).toHaveLength(2);
      expect(first.pageInfo.hasNextPage).toBe(true);
      const second = await deps().partService.search(alice, {
        query: 'brake',
        first: 2,
        after: first.pageInfo.endCursor!,
      });
      expect(second.edges.map((e) => e.node.sku)).toEqual(['BP-9', 'BP-7781']);
      expect(second.pageInfo.hasNextPage).toBe(false);
      expect(first.edges.map((e) => e.node._id.toHexString())).not.toContain(pads._id.toHexString());
      expect(await code(deps().partService.search(alice, { query: 'a' }))).toBe('BAD_USER_INPUT');
    });

    it('asks the database for parts, lapsed holds and orders through their indexes, not a scan', async () => {
      const plan = async (collection: string, filter: Document, sort?: Document) => {
        const cursor = db().collection(collection).find(filter).limit(5);
        const explained = await (sort ? cursor.sort(sort) : cursor).explain();
        return { ferretdb: Boolean(explained.serverInfo?.ferretdbVersion), text: JSON.stringify(explained) };
      };
      const cases: [string, Document, Document | undefined, string][] = [
        [PartStore.collection, { search: 'brake' }, { _id: -1 }, 'search_1__id_-1'],
        [PartStore.collection, { fitKeys: 'honda|civic|2018' }, { _id: -1 }, 'fitKeys_1__id_-1'],
        [PartStore.collection, { centreId: centreA.toHexString() }, { _id: -1 }, 'centreId_1__id_-1'],
        [StockStore.collection, { nextLapse: { $lte: now } }, undefined, 'nextLapse_1'],
        [OrderStore.collection, { customerId: 'alice' }, { _id: -1 }, 'customerId_1__id_-1'],
        [OrderStore.collection, { announceDue: { $lte: now } }, undefined, 'announceDue_1'],
      ];
      for (const [collection, filter, sort, index] of cases) {
        const { ferretdb, text } = await plan(collection, filter, sort);
        if (ferretdb) expect(text).toMatch(new RegExp(`USING INDEX \\S*${index}`));
        else expect(text).toMatch(/IXSCAN/);
      }
    });
  });

  describe('stock', () => {
    it("lets only the centre's members adjust it; refuses zero, fractional, huge and overdrawn deltas, changing nothing", async () => {
      const part = await addPart({ initialStock: 5 });
      const id = part._id.toHexString();
      expect(await code(deps().inventory.adjust(rival, id, 3))).toBe('FORBIDDEN');
      expect(await code(deps().inventory.adjust(alice, id, 3))).toBe('FORBIDDEN');
      expect(await code(deps().inventory.adjust(mechanic, id, 0))).toBe('BAD_USER_INPUT');
      expect(await code(deps().inventory.adjust(mechanic, id, 1.5))).toBe('BAD_USER_INPUT');
      expect(await code(deps().inventory.adjust(mechanic, id, 10_000_000))).toBe('BAD_USER_INPUT');
      expect(await code(deps().inventory.adjust(mechanic, id, -6))).toBe('CONFLICT');
      expect(await code(deps().inventory.setThreshold(rival, id, 2))).toBe('FORBIDDEN');
      expect((await stockOf(id)).quantity).toBe(5);
      expect((await deps().inventory.adjust(mechanic, id, -2)).quantity).toBe(3);
    });

    it('announces low stock once per crossing of the threshold, however many writes race over it', async () => {
      const part = await addPart({ initialStock: 12, lowStockThreshold: 5 });
      const id = part._id.toHexString();
      const lows = () => bus.appended.filter((e) => e.stream === STOCK_LOW && e.payload.partId === id);
      await Promise.all(Array.from({ length: 10 }, () => order(alice, [{ partId: id, quantity: 1 }])));
      expect(lows()).toHaveLength(1);
      expect(lows()[0].payload).toMatchObject({ sku: part.sku, threshold: 5, centreId: centreA.toHexString() });
      await deps().inventory.adjust(mechanic, id, -1);
      expect(lows()).toHaveLength(1);
      await deps().inventory.adjust(mechanic, id, 10); // above again: re-armed
      expect(lows()).toHaveLength(1);
      await deps().inventory.adjust(mechanic, id, -9);
      expect(lows()).toHaveLength(2);
    });
  });

  describe('placing orders', () => {
    it('refuses zero, negative, fractional and huge quantities, unknown parts, other centres and mixed currencies, storing nothing', async () => {
      const part = await addPart({ initialStock: 5 });
      const dollars = await addPart({ currency: 'USD' });
      const elsewhere = await addPart({ centreId: centreB.toHexString() }, rival);
      const id = part._id.toHexString();
      const before = await orderCount();
      for (const quantity of [0, -1, 1.5, 1001, 2 ** 40]) {
        expect(await code(order(alice, [{ partId: id, quantity }]))).toBe('BAD_USER_INPUT');
      }
      expect(await code(order(alice, []))).toBe('BAD_USER_INPUT');
      expect(
        await code(
          order(alice, [
            { partId: id, quantity: 1 },
            { partId: id, quantity: 1 },
          ]),
        ),
      ).toBe('BAD_USER_INPUT');
      expect(await code(order(alice, [{ partId: new ObjectId().toHexString(), quantity: 1 }]))).toBe('NOT_FOUND');
      expect(await code(order(alice, [{ partId: 'nope', quantity: 1 }]))).toBe('BAD_USER_INPUT');
      expect(await code(order(alice, [{ partId: elsewhere._id.toHexString(), quantity: 1 }]))).toBe('BAD_USER_INPUT');
      expect(
        await code(
          order(alice, [
            { partId: id, quantity: 1 },
            { partId: dollars._id.toHexString(), quantity: 1 },
          ]),
        ),
      ).toBe('BAD_USER_INPUT');
      expect(await code(order(alice, [{ partId: id, quantity: 1 }], 'short'))).toBe('BAD_USER_INPUT');
      expect(await orderCount()).toBe(before);
      expect(await stockOf(id)).toMatchObject({ quantity: 5, holds: {} });
      expect(await stockOf(dollars._id.toHexString())).toMatchObject({ quantity: 10, holds: {} });
    });

    it('lets go of the items already held when a later item is short (CONFLICT, nothing stored)', async () => {
      const plenty = await addPart({ initialStock: 10 });
      const scarce = await addPart({ initialStock: 1 });
      const before = await orderCount();
      const items = [
        { partId: plenty._id.toHexString(), quantity: 4 },
        { partId: scarce._id.toHexString(), quantity: 2 },
      ];
      // refused by the read before any hold
      expect(await code(order(alice, items))).toBe('CONFLICT');
      // and when that read is stale (the units went meanwhile): the plenty item is held, then let go
      const stock = new StockStore(db());
      const staleReads = Object.assign(Object.create(stock) as StockStore, {
        findMany: async (ids: ObjectId[]) => ids.map(() => ({ quantity: MAX_STOCK }) as StockDocument),
      });
      const orderStore = new OrderStore(db());
      const service = new OrderService(
        orderStore,
        new PartStore(db()),
        staleReads,
        { findById: async (id) => centres.get(id.toHexString()) ?? null },
        new OrderEvents(orderStore, bus as never, pino({ level: 'silent' })),
        new StockEvents(stock, bus as never, pino({ level: 'silent' })),
        { paymentHoldMs: 60_000 },
        () => now,
      );
      const placing = service.place(alice, {
        centreId: centreA.toHexString(),
        items,
        fulfilment: 'PICKUP',
        idempotencyKey: 'stale-read-1',
      });
      expect(await code(placing)).toBe('CONFLICT');
      expect(await orderCount()).toBe(before);
      const plentyAfter = await stockOf(plenty._id.toHexString());
      expect(plentyAfter).toMatchObject({ quantity: 10, holds: {} });
      expect(plentyAfter.version).toBe(2); // held once, let go once
      expect(await stockOf(scarce._id.toHexString())).toMatchObject({ quantity: 1, holds: {} });
    });

    it('sells exactly the stock to concurrent orders: 10 units, 100 orders of one, 10 placed and 90 CONFLICT', async () => {
      const part = await addPart({ initialStock: 10 });
      const id = part._id.toHexString();
      const registry = new Registry();
      commerce.registerMetrics(registry);
      const counted = async (name: string) => (await registry.getSingleMetric(name)!.get()).values[0]?.value ?? 0;
      const [placedBefore, shortBefore] = [
        await counted('marketplace_orders_placed_total'),
        await counted('marketplace_orders_short_of_stock_total'),
      ];
      const results = await Promise.all(
        Array.from({ length: 100 }, () => code(order(bob, [{ partId: id, quantity: 1 }]))),
      );
      expect(results.filter((r) => r === 'OK')).toHaveLength(10);
      expect(results.filter((r) => r === 'CONFLICT')).toHaveLength(90);
      expect((await counted('marketplace_orders_placed_total')) - placedBefore).toBe(10);
      expect((await counted('marketplace_orders_short_of_stock_total')) - shortBefore).toBe(90);
      const stock = await stockOf(id);
      expect(stock.quantity).toBe(0);
      expect(Object.keys(stock.holds)).toHaveLength(10);
    });

    it('returns the first order to a retry with the same key; the key with another request is CONFLICT', async () => {
      const part = await addPart({ initialStock: 10 });
      const items = [{ partId: part._id.toHexString(), quantity: 2 }];
      const retries = await Promise.all(Array.from({ length: 6 }, () => order(alice, items, 'retry-key-1')));
      expect(new Set(retries.map((o) => o._id.toHexString())).size).toBe(1);
      expect((await stockOf(part._id.toHexString())).quantity).toBe(8);
      expect(await code(order(alice, [{ ...items[0], quantity: 3 }], 'retry-key-1'))).toBe('CONFLICT');
      const bobs = await order(bob, items, 'retry-key-1');
      expect(bobs._id.equals(retries[0]._id)).toBe(false);
    });
  });

  describe('an order after it is placed', () => {
    it("is the customer's, its centre's and staff's to read; NOT_FOUND for another customer or centre, who change nothing", async () => {
      const part = await addPart({ initialStock: 3 });
      const placed = await order(alice, [{ partId: part._id.toHexString(), quantity: 1 }]);
      const id = placed._id.toHexString();
      expect((await deps().orderService.read(alice, id))._id.equals(placed._id)).toBe(true);
      expect((await deps().orderService.read(mechanic, id))._id.equals(placed._id)).toBe(true);
      expect((await deps().orderService.read(user('staff', ['STAFF']), id))._id.equals(placed._id)).toBe(true);
      expect(await code(deps().orderService.read(bob, id))).toBe('NOT_FOUND');
      expect(await code(deps().orderService.read(rival, id))).toBe('NOT_FOUND');
      expect(await code(deps().orderService.cancel(bob, id))).toBe('NOT_FOUND');
      expect(await code(deps().orderService.markReady(rival, id))).toBe('NOT_FOUND');
      expect(await code(deps().orderService.forCentre(rival, centreA.toHexString(), null, {}))).toBe('FORBIDDEN');
      expect((await deps().orderService.mine(bob, {})).edges.map((e) => e.node._id.toHexString())).not.toContain(id);
      // the centre cannot move it on before it is paid, nor the customer cancel it for the centre
      expect(await code(deps().orderService.markReady(mechanic, id))).toBe('CONFLICT');
      expect(await code(deps().orderService.cancel(mechanic, id))).toBe('FORBIDDEN');
      expect((await deps().orderService.read(alice, id)).status).toBe('PENDING_PAYMENT');
      const cancelled = await deps().orderService.cancel(alice, id);
      expect(cancelled.status).toBe('CANCELLED');
      expect(await stockOf(part._id.toHexString())).toMatchObject({ quantity: 3, holds: {} });
      expect(await code(deps().orderService.cancel(alice, id))).toBe('CONFLICT');
    });

    it('is paid, readied and completed by the centre, announcing every change; a redelivered payment changes nothing', async () => {
      const part = await addPart({ initialStock: 3 });
      const placed = await order(alice, [{ partId: part._id.toHexString(), quantity: 2 }]);
      const id = placed._id.toHexString();
      const handler = commerce.payables.handler('ORDER')!;
      const payable = await commerce.payables.resolve('ORDER', id);
      expect(payable).toMatchObject({
        payable: true,
        amountMinor: 2400,
        currency: 'EUR',
        customerId: 'alice',
        centreMemberIds: ['mechanic'],
      });
      expect(payable!.lines).toEqual([
        { description: `Mahle Oil filter (${part.sku})`, quantity: 2, unitAmountMinor: 1200 },
      ]);
      const paid = paymentEvent('ORDER', id, 2400);
      await handler.succeeded!(paid);
      await handler.succeeded!(paid);
      expect(await stockOf(part._id.toHexString())).toMatchObject({ quantity: 1, holds: {} });
      expect((await commerce.payables.resolve('ORDER', id))!.payable).toBe(false);
      expect(await code(deps().orderService.markReady(alice, id))).toBe('FORBIDDEN');
      expect(await code(deps().orderService.cancel(alice, id))).toBe('CONFLICT');
      expect(await code(deps().orderService.markShipped(mechanic, id))).toBe('CONFLICT');
      await deps().orderService.markReady(mechanic, id);
      await deps().orderService.complete(mechanic, id);
      await handler.refunded!({ ...paid, refundedMinor: 1000 });
      expect((await deps().orderService.read(alice, id)).status).toBe('COMPLETED');
      await handler.refunded!({ ...paid, refundedMinor: 2400 });
      const statuses = bus.appended
        .filter((e) => e.stream === ORDER_UPDATED && e.payload.orderId === id)
        .map((e) => e.payload.status);
      expect(statuses).toEqual(['PENDING_PAYMENT', 'PAID', 'READY', 'COMPLETED', 'REFUNDED']);
      expect((await deps().orderService.read(alice, id)).payment).toMatchObject({ refundedMinor: 2400 });
      expect(await commerce.payables.resolve('ORDER', new ObjectId().toHexString())).toBeNull();
    });

    it('lets go of an unpaid order after its hold, once, with two sweeps racing; a payment landing later holds the units again', async () => {
      const part = await addPart({ initialStock: 4 });
      const partId = part._id.toHexString();
      const placed = await order(alice, [{ partId, quantity: 3 }]);
      const orderStore = new OrderStore(db());
      const sweeps = [0, 1].map(
        () =>
          new HoldSweep(
            new StockStore(db()),
            orderStore,
            deps().orderService,
            new OrderEvents(orderStore, bus as never, pino({ level: 'silent' })),
            pino({ level: 'silent' }),
            { intervalMs: 60_000 },
            () => now,
          ),
      );
      await Promise.all(sweeps.map((s) => s.runOnce()));
      expect((await stockOf(partId)).quantity).toBe(1); // not lapsed yet
      now = new Date(now.getTime() + 16 * 60_000);
      expect((await commerce.payables.resolve('ORDER', placed._id.toHexString()))!.payable).toBe(false);
      await Promise.all(sweeps.map((s) => s.runOnce()));
      await Promise.all(sweeps.map((s) => s.runOnce()));
      expect(await stockOf(partId)).toMatchObject({ quantity: 4, holds: {} });
      const expired = (await orderStore.findById(placed._id.toHexString()))!;
      expect(expired.status).toBe('CANCELLED');
      expect(expired.history.map((h) => h.status)).toEqual(['PENDING_PAYMENT', 'CANCELLED']);

      await commerce.payables.handler('ORDER')!.succeeded!(paymentEvent('ORDER', placed._id.toHexString(), 3600));
      expect((await orderStore.findById(placed._id.toHexString()))!.status).toBe('PAID');
      expect(await stockOf(partId)).toMatchObject({ quantity: 1, holds: {} });
    });

    it('returns units held for an order that was never stored once the hold lapses', async () => {
      const part = await addPart({ initialStock: 2 });
      const stock = new StockStore(db());
      await stock.reserve(part._id, new ObjectId().toHexString(), 2, new Date(now.getTime() + 1000), now);
      now = new Date(now.getTime() + 2000);
      await commerce.sweep.runOnce();
      expect(await stockOf(part._id.toHexString())).toMatchObject({ quantity: 2, holds: {} });
    });
  });

  describe('events whose append failed', () => {
    it('announce an order change on a sweep after the grace, once, and low stock on the next write', async () => {
      const part = await addPart({ initialStock: 3, lowStockThreshold: 1 });
      const partId = part._id.toHexString();
      const lows = () => bus.appended.filter((e) => e.stream === STOCK_LOW && e.payload.partId === partId);
      bus.down = true;
      const placed = await order(alice, [{ partId, quantity: 2 }]);
      bus.down = false;
      const id = placed._id.toHexString();
      const updates = () => bus.appended.filter((e) => e.stream === ORDER_UPDATED && e.payload.orderId === id);
      expect(updates()).toEqual([]);
      expect(lows()).toEqual([]);
      expect(await stockOf(partId)).toMatchObject({ quantity: 1, low: false });
      now = new Date(now.getTime() + 5_000);
      await commerce.sweep.runOnce();
      expect(updates()).toEqual([]); // its own request may still be at it
      now = new Date(now.getTime() + 6_000);
      await commerce.sweep.runOnce();
      await commerce.sweep.runOnce();
      expect(updates().map((e) => e.payload.status)).toEqual(['PENDING_PAYMENT']);
      await deps().inventory.adjust(mechanic, partId, -1);
      expect(lows().map((e) => e.payload.quantity)).toEqual([0]);
    });

    it("are payments' successes applied through the kind's handler; kinds with a consumer of their own are skipped", async () => {
      const part = await addPart({ initialStock: 1 });
      const placed = await order(alice, [{ partId: part._id.toHexString(), quantity: 1 }]);
      const consumer = new PaymentConsumer(bus as never, commerce.payables, pino({ level: 'silent' }));
      const event = (payload: PaymentEvent) => ({ id: '1-0', stream: 's', payload, deliveryCount: 1 });
      await consumer.handle(event(paymentEvent('ROADSIDE', 'r1', 500)), 'succeeded');
      await consumer.handle(event(paymentEvent('ORDER', placed._id.toHexString(), 1200)), 'succeeded');
      expect((await deps().orderService.read(alice, placed._id.toHexString())).status).toBe('PAID');
    });
  });

  describe('bookings as payables', () => {
    const booking = (status: BookingDocument['status'], centreId = centreA): BookingDocument =>
      ({
        _id: new ObjectId(),
        centreId: centreId.toHexString(),
        vehicleId: 'v1',
        customerId: 'alice',
        service: 'OIL_CHANGE',
        slotStart: now,
        slotEnd: now,
        bay: 0,
        claims: [],
        status,
        notes: null,
        alertId: null,
        idempotencyKey: `auto:${new ObjectId().toHexString()}`,
        priceMinor: 8900,
        currency: 'EUR',
        reason: null,
        completion:
          status === 'COMPLETED'
            ? {
                workDone: 'oil',
                odometerKm: null,
                partsReplaced: [],
                totalMinor: 9900,
                currency: 'EUR',
                completedAt: now,
                announced: true,
              }
            : null,
        history: [],
        createdAt: now,
        updatedAt: now,
      }) as BookingDocument;

    it('owe nothing under NONE, a deposit when requested under DEPOSIT (its policy kept), the total once completed under FULL', async () => {
      const bookings = db().collection<BookingDocument>(BookingStore.collection);
      const none = booking('REQUESTED', centreB);
      await bookings.insertOne(none);
      expect(await commerce.payables.resolve('BOOKING', none._id.toHexString())).toMatchObject({
        payable: false,
        amountMinor: 0,
      });

      await deps().paymentPolicies.setPolicy(centreA, { kind: 'DEPOSIT', depositMinor: 2000 }, 'mechanic', now);
      const requested = booking('REQUESTED');
      await bookings.insertOne(requested);
      const id = requested._id.toHexString();
      expect(await commerce.payables.resolve('BOOKING', id)).toMatchObject({
        payable: true,
        amountMinor: 2000,
        currency: 'EUR',
        centreMemberIds: ['mechanic'],
      });
      await deps().paymentPolicies.setPolicy(centreA, { kind: 'FULL', depositMinor: 0 }, 'mechanic', now);
      expect((await commerce.payables.resolve('BOOKING', id))!.amountMinor).toBe(2000); // booked under DEPOSIT
      const deposit = paymentEvent('BOOKING', id, 2000);
      await commerce.payables.handler('BOOKING')!.succeeded!(deposit);
      await commerce.payables.handler('BOOKING')!.succeeded!(deposit);
      expect(await commerce.payables.resolve('BOOKING', id)).toMatchObject({ payable: false, amountMinor: 0 });
      await bookings.updateOne(
        { _id: requested._id },
        { $set: { status: 'COMPLETED', completion: booking('COMPLETED').completion } },
      );
      expect(await commerce.payables.resolve('BOOKING', id)).toMatchObject({ payable: true, amountMinor: 7900 });

      const full = booking('CONFIRMED');
      await bookings.insertOne(full);
      expect(await commerce.payables.resolve('BOOKING', full._id.toHexString())).toMatchObject({ payable: false });
      const done = booking('COMPLETED');
      await bookings.insertOne(done);
      expect(await commerce.payables.resolve('BOOKING', done._id.toHexString())).toMatchObject({
        payable: true,
        amountMinor: 9900,
      });
      expect(await commerce.payables.resolve('BOOKING', new ObjectId().toHexString())).toBeNull();
    });
  });

  itServesEveryQueryFromAnIndex(recorder, () =>
    Object.fromEntries(
      [
        PartStore.collection,
        StockStore.collection,
        OrderStore.collection,
        PaymentPolicyStore.collection,
        PaymentPolicyStore.bookingsCollection,
      ].map((c) => [c, MARKETPLACE_INDEXES[c]]),
    ),
  );
});

function paymentEvent(kind: PaymentEvent['subjectKind'], subjectId: string, amountMinor: number): PaymentEvent {
  return {
    paymentId: new ObjectId().toHexString(),
    subjectKind: kind,
    subjectId,
    customerId: 'alice',
    centreId: 'c',
    amountMinor,
    refundedMinor: 0,
    currency: 'EUR',
    at: new Date(),
    failureCode: null,
  };
}
