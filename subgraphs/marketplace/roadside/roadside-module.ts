import type { Db } from 'mongodb';
import type { Registry } from 'prom-client';
import type { VehicleAccess } from '../../../platform/access/vehicle-access.js';
import type { EventBus } from '../../../platform/events/bus.js';
import type { Logger } from '../../../platform/logger.js';
import type { RoadsideHelp } from '../bookings/partner-vehicles.route.js';
import type { CentreStore } from '../centres/centre.store.js';
import type { NearbyService } from '../search/nearby.service.js';
import type { LiveRoadside } from './roadside-live.js';
import { RoadsideEvents } from './roadside-events.js';
import { RoadsidePayments } from './roadside-payments.js';
import { RoadsideWaves } from './roadside-waves.js';
import { DEFAULT_ROADSIDE_SETTINGS, RoadsideService, type RoadsideSettings } from './roadside.service.js';
import { RoadsideStore } from './roadside.store.js';
import { VehicleClaimStore } from './vehicle-claim.store.js';

export interface RoadsideDeps {
  db: Db;
  bus: EventBus;
  logger: Logger;
  centres: CentreStore;
  nearby: NearbyService;
  /** Who owns which vehicle (the vehicles subgraph): only the owner asks for help with it. */
  access: VehicleAccess;
  settings?: Partial<RoadsideSettings>;
  /** Events held per subscriber that is not reading. */
  subscriberQueue?: number;
  clock?: () => Date;
}

export interface RoadsideModule {
  service: RoadsideService;
  store: RoadsideStore;
  live: LiveRoadside;
  /** For the partner-vehicles route: the vehicles a centre helps right now. */
  helping: RoadsideHelp;
  registerMetrics(registry: Registry): void;
  stop(): Promise<void>;
}

/** Builds roadside help of one marketplace instance: store initialised, wave job and payments consumer running. */
export async function createRoadsideModule(deps: RoadsideDeps): Promise<RoadsideModule> {
  const { db, bus, logger, centres, nearby, access } = deps;
  const clock = deps.clock ?? (() => new Date());
  const settings = { ...DEFAULT_ROADSIDE_SETTINGS, ...deps.settings };
  const store = new RoadsideStore(db);
  await store.init();
  const events = new RoadsideEvents(bus, store, logger);
  // Passes often enough that a wave no instance has a timer for (its offerer died) runs at most
  // a quarter wave late, and at most every 5 s when waves are long.
  const pollMs = Math.min(5_000, Math.max(100, (settings.waveSeconds * 1000) / 4));
  const waves = new RoadsideWaves(store, () => service, events, pollMs, logger, clock);
  const service = new RoadsideService(
    store,
    new VehicleClaimStore(db),
    centres,
    nearby,
    access,
    events,
    logger,
    settings,
    clock,
    (doc) => waves.schedule(doc),
  );
  const payments = new RoadsidePayments(bus, (id, paymentId, at) => service.markPaid(id, paymentId, at), logger);
  waves.start();
  await payments.start();
  return {
    service,
    store,
    helping: store,
    live: {
      bus,
      maxQueue: deps.subscriberQueue ?? 100,
      speedKmh: settings.speedKmh,
      read: (viewer, id) => service.read(viewer, id),
      openOffers: (viewer, centreId) => service.openOffers(viewer, centreId),
    },
    registerMetrics: (registry) => waves.register(registry),
    stop: async () => {
      await waves.stop();
      await payments.stop();
    },
  };
}
