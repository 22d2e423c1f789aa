import type { Db } from 'mongodb';
import type { EventBus } from '../../../platform/events/bus.js';
import type { Logger } from '../../../platform/logger.js';
import { GrantStore } from '../consent/grant.store.js';
import type { Dispatcher } from '../dispatch/dispatcher.js';
import { WebhookDeliveryStore } from './delivery.store.js';
import { EndpointStore } from './endpoint.store.js';
import { SecretBox } from './secret-box.js';
import { WebhookMetrics } from './webhook-metrics.js';
import { WebhookSources } from './webhook-sources.js';
import { WebhookWorker, type WebhookWorkerSettings } from './webhook-worker.js';
import { WebhookService, type WebhookServiceSettings } from './webhook.service.js';

export interface WebhookSettings extends WebhookWorkerSettings, WebhookServiceSettings {
  /** What endpoint secrets are sealed under (SecretBox). */
  encryptionSecret: string;
  consumers?: { concurrency?: number; claimIdleMs?: number; blockMs?: number };
}

/**
 * B2B webhooks and the consent they obey, wired: stores, the fan-out from the bus, the worker
 * that sends, and the owner's inbox notice when an endpoint is disabled.
 */
export async function createWebhooks(deps: {
  db: Db;
  bus: EventBus;
  logger: Logger;
  settings: WebhookSettings;
  /** Tells an endpoint's owner it was disabled (through the notifications inbox). */
  dispatcher?: Pick<Dispatcher, 'dispatch'>;
  clock?: () => Date;
}) {
  const { db, bus, logger, settings } = deps;
  const clock = deps.clock ?? (() => new Date());
  const endpoints = new EndpointStore(db);
  const deliveries = new WebhookDeliveryStore(db);
  const grants = new GrantStore(db);
  await Promise.all([endpoints.init(), deliveries.init(), grants.init()]);
  const box = new SecretBox(settings.encryptionSecret);
  const metrics = new WebhookMetrics();
  const worker = new WebhookWorker(
    deliveries,
    endpoints,
    grants,
    box,
    settings,
    async (endpoint) => {
      service.forgetEndpoints();
      await deps.dispatcher?.dispatch({
        sourceKey: `webhook-disabled:${endpoint._id.toHexString()}:${endpoint.consecutiveFailures}:${clock().getTime()}`,
        userIds: [endpoint.organizationId],
        category: 'SAFETY',
        kind: 'OWNER_NOTICE',
        severity: 'HIGH',
        vars: {
          message: `Your webhook endpoint ${endpoint.url} was disabled after ${settings.disableAfter} failed deliveries in a row. Fix it, then enable it again (enableWebhookEndpoint); replay what it missed with replayWebhookDelivery.`,
          endpointId: endpoint._id.toHexString(),
        },
      });
    },
    metrics,
    logger,
    clock,
  );
  const service = new WebhookService(endpoints, deliveries, grants, box, worker, settings, clock);
  const sources = new WebhookSources(bus, (event) => service.publish(event), settings.consumers);
  return {
    endpoints,
    deliveries,
    grants,
    service,
    worker,
    metrics,
    async start() {
      await sources.start();
      worker.start();
    },
    async stop() {
      await sources.stop();
      await worker.stop();
    },
  };
}

export type Webhooks = Awaited<ReturnType<typeof createWebhooks>>;

/** Settings from the configuration (WEBHOOK_*); poll and lease follow the notification worker's. */
export function webhookSettingsFrom(config: {
  WEBHOOK_RETRY_HOURS: number;
  WEBHOOK_RETRY_BASE_MS: number;
  WEBHOOK_RETRY_MAX_MS: number;
  WEBHOOK_DISABLE_AFTER_FAILURES: number;
  WEBHOOK_SECRET_OVERLAP_HOURS: number;
  WEBHOOK_TIMEOUT_MS: number;
  WEBHOOK_CONCURRENCY: number;
  WEBHOOKS_ALLOW_LOOPBACK?: boolean | undefined;
  NOTIFY_POLL_MS: number;
  NOTIFY_LEASE_MS: number;
  JWT_SECRET: string;
  isProduction: boolean;
}): WebhookSettings {
  return {
    allowLoopback: config.WEBHOOKS_ALLOW_LOOPBACK ?? !config.isProduction,
    timeoutMs: config.WEBHOOK_TIMEOUT_MS,
    maxResponseBytes: 16_384,
    pollMs: config.NOTIFY_POLL_MS,
    leaseMs: Math.max(config.NOTIFY_LEASE_MS, config.WEBHOOK_TIMEOUT_MS * 3),
    concurrency: config.WEBHOOK_CONCURRENCY,
    baseMs: config.WEBHOOK_RETRY_BASE_MS,
    maxMs: config.WEBHOOK_RETRY_MAX_MS,
    disableAfter: config.WEBHOOK_DISABLE_AFTER_FAILURES,
    retryWindowMs: config.WEBHOOK_RETRY_HOURS * 3_600_000,
    rotationOverlapMs: config.WEBHOOK_SECRET_OVERLAP_HOURS * 3_600_000,
    // Sealed under a key derived from the JWT secret (required, 32+ characters, in production).
    encryptionSecret: config.JWT_SECRET,
  };
}

/** Without configuration (tests that build the subgraph directly): development's defaults. */
export const defaultWebhookSettings = (secret: string): WebhookSettings =>
  webhookSettingsFrom({
    WEBHOOK_RETRY_HOURS: 24,
    WEBHOOK_RETRY_BASE_MS: 10_000,
    WEBHOOK_RETRY_MAX_MS: 3_600_000,
    WEBHOOK_DISABLE_AFTER_FAILURES: 20,
    WEBHOOK_SECRET_OVERLAP_HOURS: 24,
    WEBHOOK_TIMEOUT_MS: 5_000,
    WEBHOOK_CONCURRENCY: 32,
    NOTIFY_POLL_MS: 1_000,
    NOTIFY_LEASE_MS: 30_000,
    JWT_SECRET: secret,
    isProduction: false,
  });
