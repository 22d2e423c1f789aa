import type { Router } from 'express';
import type { Db } from 'mongodb';
import type { Registry } from 'prom-client';
import type { VehicleAccess } from '../../../platform/access/vehicle-access.js';
import type { EventBus } from '../../../platform/events/bus.js';
import type { Logger } from '../../../platform/logger.js';
import type { BookingService } from '../bookings/booking.service.js';
import type { BookingStore } from '../bookings/booking.store.js';
import type { CentreSource } from '../inventory/centre-membership.js';
import { InventoryService } from '../inventory/inventory.service.js';
import { StockEvents } from '../inventory/stock-events.js';
import { StockStore } from '../inventory/stock.store.js';
import { PartService } from '../parts/part.service.js';
import { PartStore } from '../parts/part.store.js';
import type { VehicleProfiles } from '../parts/vehicle-profiles.js';
import { BookingPayable } from '../payables/booking-payable.js';
import { OrderPayable } from '../payables/order-payable.js';
import { Payables } from '../payables/payables.js';
import { PaymentConsumer, type PaymentConsumerSettings } from '../payables/payment-consumer.js';
import { PaymentPolicyStore } from '../payables/payment-policy.store.js';
import { HoldSweep } from './hold-sweep.js';
import { OrderEvents } from './order-events.js';
import { OrderMetrics } from './order-metrics.js';
import { OrderService } from './order.service.js';
import { OrderStore } from './order.store.js';

export interface CommerceSettings {
  /** ORDER_PAYMENT_HOLD_MINUTES: an unpaid order lets go of its units after this long. */
  paymentHoldMinutes: number;
  /** ORDER_HOLD_SWEEP_SECONDS: how often every instance looks for lapsed holds and unannounced changes. */
  holdSweepSeconds: number;
  payments?: PaymentConsumerSettings;
}

export const DEFAULT_COMMERCE_SETTINGS: CommerceSettings = { paymentHoldMinutes: 15, holdSweepSeconds: 30 };

export interface CommerceDeps {
  db: Db;
  bus: EventBus;
  logger: Logger;
  centres: CentreSource;
  access: VehicleAccess;
  /** Make, model and year of a vehicle (the vehicles subgraph's profile route). */
  profiles: VehicleProfiles;
  bookings: BookingStore;
  bookingService: BookingService;
  settings?: Partial<CommerceSettings>;
  clock?: () => Date;
}

/**
 * Parts, stock, orders and what payments are for. The marketplace owns them because a sale is
 * one conditional update on the centre's stock document, and who may act for a centre (its
 * members) is the marketplace's to say.
 */
export async function createCommerceModule(deps: CommerceDeps) {
  const { db, bus, logger, centres } = deps;
  const clock = deps.clock ?? (() => new Date());
  const settings = { ...DEFAULT_COMMERCE_SETTINGS, ...deps.settings };
  const partStore = new PartStore(db);
  const stockStore = new StockStore(db);
  const orderStore = new OrderStore(db);
  const policies = new PaymentPolicyStore(db);
  await Promise.all([partStore.init(), stockStore.init(), orderStore.init()]);

  const metrics = new OrderMetrics();
  const stockEvents = new StockEvents(stockStore, bus, logger, clock);
  const orderEvents = new OrderEvents(orderStore, bus, logger);
  const inventory = new InventoryService(stockStore, centres, stockEvents, clock);
  const parts = new PartService(partStore, stockStore, centres, deps.access, deps.profiles, stockEvents, clock);
  const orders = new OrderService(
    orderStore,
    partStore,
    stockStore,
    centres,
    orderEvents,
    stockEvents,
    { paymentHoldMs: settings.paymentHoldMinutes * 60_000 },
    clock,
    metrics,
  );
  const bookingPayable = new BookingPayable(deps.bookings, policies, centres);
  const payables = new Payables();
  payables.register('ORDER', new OrderPayable(orderStore, orders, stockStore, centres, logger, bus, clock));
  payables.register('BOOKING', bookingPayable);
  const sweep = new HoldSweep(
    stockStore,
    orderStore,
    orders,
    orderEvents,
    logger,
    { intervalMs: settings.holdSweepSeconds * 1000 },
    clock,
  );
  const consumer = new PaymentConsumer(bus, payables, logger, settings.payments);
  sweep.start();
  await consumer.start();

  return {
    /** What the resolvers are built from (schema.ts). */
    resolverDeps: {
      partService: parts,
      partStore,
      inventory,
      stockStore,
      orderService: orders,
      paymentPolicies: policies,
      bookingPayable,
    },
    /** Other kinds (roadside) register their payable resolver here. */
    payables,
    sweep,
    internalRoutes: (router: Router) => payables.mount(router),
    registerMetrics: (registry: Registry) => metrics.register(registry),
    stop: async () => {
      await consumer.stop();
      await sweep.stop();
    },
  };
}
export type CommerceModule = Awaited<ReturnType<typeof createCommerceModule>>;
