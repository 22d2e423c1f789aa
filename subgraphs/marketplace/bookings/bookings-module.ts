import type { Router } from 'express';
import type { Db } from 'mongodb';
import type { VehicleAccess } from '../../../platform/access/vehicle-access.js';
import type { EventBus } from '../../../platform/events/bus.js';
import { RetentionJob } from '../../../platform/jobs/retention-job.js';
import type { Logger } from '../../../platform/logger.js';
import type { CentreStore } from '../centres/centre.store.js';
import { ReviewService } from '../reviews/review.service.js';
import { ReviewStore } from '../reviews/review.store.js';
import type { NearbyService } from '../search/nearby.service.js';
import { BookingAnnouncer, DEFAULT_BOOKING_ANNOUNCER_SETTINGS } from './booking-announcer.js';
import { BookingEvents } from './booking-events.js';
import type { LiveBookings } from './booking-updates.resolver.js';
import { BookingService, DEFAULT_BOOKING_SETTINGS, type BookingSettings } from './booking.service.js';
import { BookingStore } from './booking.store.js';
import { SlotClaimStore } from './slot-claim.store.js';
import { mountPartnerVehiclesRoute, type RoadsideHelp } from './partner-vehicles.route.js';
import { RequestKeyStore } from './request-key.store.js';
import type { VehicleAlerts } from './vehicle-alerts.js';
import { bookableStart } from './slot-rule.js';

export interface BookingsDeps {
  db: Db;
  bus: EventBus;
  logger: Logger;
  centres: CentreStore;
  /** Nearby search, for alerts' suggested centres. */
  nearby: NearbyService;
  /** Who owns which vehicle (the vehicles subgraph). */
  access: VehicleAccess;
  settings?: Partial<BookingSettings> & {
    subscriberQueue?: number;
    /** How often every instance re-sends booking changes the bus refused, and how old they must be first. */
    announceIntervalMs?: number;
    announceGraceMs?: number;
  };
  clock?: () => Date;
  /** Health's alerts, which a booking may cite (none may without it). */
  alerts?: VehicleAlerts;
}

export interface BookingsModule {
  /** What the bookings and reviews resolvers are constructed from (see schema.ts). */
  service: BookingService;
  reviewService: ReviewService;
  reviews: ReviewStore;
  live: LiveBookings;
  bookings: BookingStore;
  /**
   * The internal routes bookings serve (partner access for vehicles, health, telemetry), which
   * also counts the vehicles a member's centre helps at the roadside when `roadside` is given.
   */
  internalRoutes(router: Router, roadside?: RoadsideHelp): void;
  /** Re-sends booking changes the bus refused (started with the module). */
  announcer: BookingAnnouncer;
  /** Ends the retention job and the announce sweep. */
  stop(): Promise<void>;
}

/** Claims of cells this far past protect nothing; request keys this old are no retry's. */
const CLAIMS_KEPT_MS = 86_400_000;
const REQUEST_KEYS_KEPT_MS = 7 * 86_400_000;
const RETENTION_INTERVAL_MS = 60 * 60_000;

/** Builds the bookings and reviews of one marketplace instance (stores initialised). */
export async function createBookingsModule(deps: BookingsDeps): Promise<BookingsModule> {
  const { db, bus, logger, centres, access } = deps;
  const clock = deps.clock ?? (() => new Date());
  const bookings = new BookingStore(db);
  const claims = new SlotClaimStore(db);
  const reviews = new ReviewStore(db);
  const keys = new RequestKeyStore(db);
  await Promise.all([bookings.init(), claims.init(), reviews.init(), keys.init()]);
  const settings = { ...DEFAULT_BOOKING_SETTINGS, ...deps.settings };
  const events = new BookingEvents(bus, bookings, logger);
  const service = new BookingService(
    bookings,
    claims,
    keys,
    centres,
    access,
    bookableStart,
    events,
    settings,
    clock,
    deps.alerts,
  );
  const reviewService = new ReviewService(reviews, bookings, centres, clock);
  // Bookings and reviews are history and stay; the claims and keys that guarded them do not.
  const retention = new RetentionJob(
    [
      {
        name: 'past slot claims',
        maxAgeMs: CLAIMS_KEPT_MS,
        deleteOlderThan: (cutoff) => claims.deleteOlderThan(cutoff),
      },
      {
        name: 'booking request keys',
        maxAgeMs: REQUEST_KEYS_KEPT_MS,
        deleteOlderThan: (cutoff) => keys.deleteOlderThan(cutoff),
      },
    ],
    RETENTION_INTERVAL_MS,
    logger,
    clock,
  );
  retention.start();
  const announcer = new BookingAnnouncer(
    bookings,
    events,
    logger,
    {
      intervalMs: deps.settings?.announceIntervalMs ?? DEFAULT_BOOKING_ANNOUNCER_SETTINGS.intervalMs,
      graceMs: deps.settings?.announceGraceMs ?? DEFAULT_BOOKING_ANNOUNCER_SETTINGS.graceMs,
    },
    clock,
  );
  announcer.start();
  const partnerBookings = {
    vehiclesAtCentres: (centreIds: string[], vehicleIds: string[]) =>
      bookings.vehiclesAtCentres(
        centreIds,
        vehicleIds,
        new Date(clock().getTime() - settings.partnerVehicleAccessDays * 86_400_000),
      ),
  };
  return {
    bookings,
    internalRoutes: (router, roadside) => mountPartnerVehiclesRoute(router, centres, partnerBookings, roadside),
    announcer,
    stop: async () => {
      await Promise.all([retention.stop(), announcer.stop()]);
    },
    live: { bus, maxQueue: deps.settings?.subscriberQueue ?? 100, read: (viewer, id) => service.read(viewer, id) },
    service,
    reviewService,
    reviews,
  };
}
