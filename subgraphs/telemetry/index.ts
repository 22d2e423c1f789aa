import type { Db } from 'mongodb';
import { NO_PARTNER_ACCESS, type PartnerAccess } from '../../platform/access/partner-access.js';
import type { VehicleAccess } from '../../platform/access/vehicle-access.js';
import type { EventBus } from '../../platform/events/bus.js';
import { StreamOutbox, type StreamOutboxOptions } from '../../platform/events/stream-outbox.js';
import type { Logger } from '../../platform/logger.js';
import { databaseCheck } from '../../platform/mongo/database-check.js';
import type { Subgraph } from '../../platform/subgraph/serve-subgraph.js';
import type { LiveTelemetry } from './context.js';
import { DtcService } from './dtcs/dtc.service.js';
import { DtcStore } from './dtcs/dtc.store.js';
import { FuelEconomyService } from './fuel/fuel-economy.service.js';
import { Idempotency, IDEMPOTENCY_WINDOW_MS } from './ingest/idempotency.js';
import { IdempotencyStore } from './ingest/idempotency.store.js';
import { IngestService } from './ingest/ingest.service.js';
import { TelemetryEvents } from './live/telemetry-events.js';
import { LatestReadingStore } from './readings/latest-reading.store.js';
import { ReadingHistoryService } from './readings/reading-history.service.js';
import { ReadingStore } from './readings/reading.store.js';
import { RetentionJob } from '../../platform/jobs/retention-job.js';
import { buildTelemetrySchema } from './schema.js';
import { TripsService } from './trips/trips.service.js';
import { serveIndexCheck } from '../../platform/ops/index-check.js';
import { telemetryRoutes } from './contract.js';
import { TELEMETRY_INDEXES } from './declared-indexes.js';
import { Histogram } from 'prom-client';

export interface TelemetrySettings {
  /** Readings older than this are deleted, and uploads measured before it refused. */
  retentionDays: number;
  retentionIntervalMinutes: number;
  /** Events held for a subscriber that does not read (default 100). */
  subscriberQueue?: number;
  /** Readings per bucket document (default DEFAULT_BUCKET_CAPACITY; tests use small ones). */
  bucketCapacity?: number;
  /** Where events for health wait while the bus is down, and how often they are retried (defaults in StreamOutboxOptions). */
  outbox?: StreamOutboxOptions;
}

export interface TelemetryDeps {
  db: Db;
  bus: EventBus;
  logger: Logger;
  /** Who owns which vehicle (the vehicles subgraph). */
  access: VehicleAccess;
  /** Which vehicles centre members work on (the marketplace); nobody's when unset. */
  partners?: PartnerAccess;
  settings: TelemetrySettings;
}

export async function createTelemetrySubgraph({
  db,
  bus,
  logger,
  access,
  partners,
  settings,
}: TelemetryDeps): Promise<Subgraph> {
  const readings = new ReadingStore(db, settings.bucketCapacity);
  const latest = new LatestReadingStore(db);
  const dtcStore = new DtcStore(db);
  const claims = new IdempotencyStore(db);
  await Promise.all([readings.init(), dtcStore.init(), claims.init()]);

  const retentionMs = settings.retentionDays * 86_400_000;
  const outbox = new StreamOutbox(db, bus, logger, settings.outbox);
  const events = new TelemetryEvents(bus, outbox, logger);
  // Where an upload's time goes, step by step: the first thing to read when ingest slows down.
  const ingestSteps = new Histogram({
    name: 'telemetry_ingest_step_seconds',
    help: 'Time of each step of an upload: authorize, store, announce, rest (latest values and trouble codes)',
    labelNames: ['step'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [],
  });
  const ingest = new IngestService({
    timed: (step, seconds) => ingestSteps.observe({ step }, seconds),
    access,
    readings,
    latest,
    dtcs: dtcStore,
    idempotency: new Idempotency(claims),
    events,
    retentionMs,
  });
  const dtcs = new DtcService(dtcStore, events);
  const history = new ReadingHistoryService(readings, latest);

  const retention = new RetentionJob(
    [
      { name: 'reading buckets', maxAgeMs: retentionMs, deleteOlderThan: (cutoff) => readings.deleteOlderThan(cutoff) },
      {
        name: 'idempotency keys',
        maxAgeMs: IDEMPOTENCY_WINDOW_MS,
        deleteOlderThan: (cutoff) => claims.deleteOlderThan(cutoff),
      },
    ],
    settings.retentionIntervalMinutes * 60_000,
    logger,
  );
  const schema = await buildTelemetrySchema({
    access,
    partners: partners ?? NO_PARTNER_ACCESS,
    ingest,
    dtcs,
    history,
    fuelEconomy: new FuelEconomyService(readings),
    trips: new TripsService(readings),
  });
  retention.start();
  outbox.start();

  const live: LiveTelemetry = { bus, access, maxQueue: settings.subscriberQueue ?? 100 };
  return {
    name: 'telemetry',
    registerMetrics: (registry) => {
      outbox.registerMetrics(registry);
      registry.registerMetric(ingestSteps);
    },
    schema,
    context: () => ({ live }),
    internalRoutes: (router) => serveIndexCheck(router, telemetryRoutes.indexes, 'telemetry', db, TELEMETRY_INDEXES),
    healthChecks: { database: databaseCheck(db) },
    stop: async () => {
      await retention.stop();
      await outbox.stop();
    },
  };
}
