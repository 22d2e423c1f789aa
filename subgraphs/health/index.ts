import type { Db } from 'mongodb';
import { NO_PARTNER_ACCESS, type PartnerAccess } from '../../platform/access/partner-access.js';
import type { VehicleAccess } from '../../platform/access/vehicle-access.js';
import type { EventBus } from '../../platform/events/bus.js';
import { StreamConsumerMetrics } from '../../platform/events/consumer-metrics.js';
import { RetentionJob } from '../../platform/jobs/retention-job.js';
import type { Logger } from '../../platform/logger.js';
import { databaseCheck } from '../../platform/mongo/database-check.js';
import type { Subgraph } from '../../platform/subgraph/serve-subgraph.js';
import { AlertEvents } from './alerts/alert-events.js';
import { AlertOutboxStore } from './alerts/alert-outbox.store.js';
import { AlertRelay, type AlertRelayOptions } from './alerts/alert-relay.js';
import { AlertService } from './alerts/alert.service.js';
import { AlertStore } from './alerts/alert.store.js';
import { mountVehicleAlertRoute } from './alerts/vehicle-alert.route.js';
import { HealthProcessor, type AfterCommit } from './state-machine/health-processor.js';
import { TelemetryConsumer, type ConsumerSettings } from './state-machine/telemetry-consumer.js';
import { VehicleStateStore } from './state-machine/vehicle-state.store.js';
import type { LiveAlerts } from './context.js';
import { EstimatesService } from './estimates/estimates.service.js';
import { BookingCompletions } from './maintenance/booking-completions.js';
import { MaintenanceService } from './maintenance/maintenance.service.js';
import { ServiceRecordStore } from './maintenance/service-record.store.js';
import { DAY_MS } from './parts/part.js';
import { HealthReportService } from './reports/health-report.service.js';
import { HealthMetrics } from './health-metrics.js';
import { buildHealthSchema } from './schema.js';
import { HealthReader } from './scoring/health-reader.js';
import { SnapshotStore } from './scoring/snapshot.store.js';
import type { VehicleDirectory } from './vehicles/vehicle-directory.js';
import { VehicleProfileStore } from './vehicles/vehicle-profile.store.js';
import { VehicleProfiles } from './vehicles/vehicle-profiles.js';
import { serveIndexCheck } from '../../platform/ops/index-check.js';
import { healthRoutes } from './contract.js';
import { HEALTH_INDEXES } from './declared-indexes.js';

export { HttpVehicleDirectory, type VehicleDirectory } from './vehicles/vehicle-directory.js';

export interface HealthSettings {
  /** Events held for a subscriber that does not read (default 100). */
  subscriberQueue?: number;
  /** Sending alert events the bus missed; runs beside the consumer. */
  relay?: AlertRelayOptions;
  /** Daily snapshots and resolved alerts older than this are deleted. */
  retentionDays: number;
  retentionIntervalMinutes: number;
  consumer: ConsumerSettings & {
    /** False for an instance that only answers queries (default true). */
    enabled?: boolean;
  };
}

export interface HealthDeps {
  db: Db;
  bus: EventBus;
  logger: Logger;
  /** Who owns which vehicle (the vehicles subgraph). */
  access: VehicleAccess;
  /** Which vehicles centre members work on (the marketplace); nobody's when unset. */
  partners?: PartnerAccess;
  /** What vehicles are: make, model, year (the vehicles subgraph). */
  directory: VehicleDirectory;
  settings: HealthSettings;
  clock?: () => Date;
  /** Test hook: see ProcessorDeps.afterCommit. */
  afterCommit?: AfterCommit;
}

export async function createHealthSubgraph(deps: HealthDeps): Promise<Subgraph> {
  const { db, bus, logger, access, settings } = deps;
  const clock = deps.clock ?? (() => new Date());
  const states = new VehicleStateStore(db);
  const alerts = new AlertStore(db);
  const snapshots = new SnapshotStore(db);
  const records = new ServiceRecordStore(db);
  const profileStore = new VehicleProfileStore(db);
  const outbox = new AlertOutboxStore(db);
  await Promise.all([
    states.init(),
    alerts.init(),
    snapshots.init(),
    records.init(),
    profileStore.init(),
    outbox.init(),
  ]);

  const metrics = new HealthMetrics();
  const events = new AlertEvents(bus, outbox, alerts, logger, clock, metrics);
  const relay = new AlertRelay(outbox, events, logger, settings.relay, clock);
  const processor = new HealthProcessor({
    states,
    alerts,
    snapshots,
    events,
    metrics,
    afterCommit: deps.afterCommit,
  });
  const profiles = new VehicleProfiles(profileStore, deps.directory, logger, clock);
  const reader = new HealthReader(states, clock);
  const maintenance = new MaintenanceService(records, processor, alerts, access, clock);
  const estimates = new EstimatesService(reader, alerts, records, profiles);
  const reports = new HealthReportService(reader, alerts, snapshots);

  const schema = await buildHealthSchema({
    access,
    partners: deps.partners ?? NO_PARTNER_ACCESS,
    reader,
    snapshots,
    alerts,
    alertService: new AlertService(alerts, processor, access, clock),
    maintenance,
    estimates,
    reports,
  });

  const consumerMetrics = new StreamConsumerMetrics();
  const consumer = new TelemetryConsumer(
    bus,
    processor,
    logger,
    settings.consumer,
    (vehicleId) => profiles.observe(vehicleId),
    consumerMetrics,
  );
  // Services centres completed through the marketplace renew the models as recordService does.
  const completions = new BookingCompletions(
    bus,
    records,
    processor,
    logger,
    { claimIdleMs: settings.consumer.claimIdleMs, blockMs: settings.consumer.blockMs, name: settings.consumer.name },
    consumerMetrics,
  );
  if (settings.consumer.enabled !== false) {
    await consumer.start();
    await completions.start();
    relay.start();
  }

  // Service records are never deleted, however old: they are the vehicle's service book.
  // Unresolved alerts stay too, whatever their age. Every instance runs the job, query-only ones
  // included: retention is a policy on the data, not on consuming, and concurrent passes are harmless.
  const retentionMs = settings.retentionDays * DAY_MS;
  const retention = new RetentionJob(
    [
      {
        name: 'health snapshots',
        maxAgeMs: retentionMs,
        deleteOlderThan: (cutoff) => snapshots.deleteOlderThan(cutoff),
      },
      {
        name: 'resolved alerts',
        maxAgeMs: retentionMs,
        deleteOlderThan: (cutoff) => alerts.deleteResolvedBefore(cutoff),
      },
    ],
    settings.retentionIntervalMinutes * 60_000,
    logger,
    clock,
  );
  retention.start();

  const live: LiveAlerts = { bus, access, maxQueue: settings.subscriberQueue ?? 100 };
  return {
    name: 'health',
    registerMetrics: (registry) => {
      metrics.register(registry);
      consumerMetrics.register(registry);
    },
    schema,
    context: () => ({ live }),
    internalRoutes: (router) => {
      serveIndexCheck(router, healthRoutes.indexes, 'health', db, HEALTH_INDEXES);
      mountVehicleAlertRoute(router, alerts);
    },
    healthChecks: { database: databaseCheck(db) },
    stop: async () => {
      await retention.stop();
      await consumer.stop();
      await completions.stop();
      await relay.stop();
      await profiles.settle();
    },
  };
}
