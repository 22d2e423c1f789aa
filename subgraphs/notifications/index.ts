import type { Db } from 'mongodb';
import type { EventBus } from '../../platform/events/bus.js';
import { StreamConsumerMetrics } from '../../platform/events/consumer-metrics.js';
import type { Logger } from '../../platform/logger.js';
import { databaseCheck } from '../../platform/mongo/database-check.js';
import { serveIndexCheck } from '../../platform/ops/index-check.js';
import type { Subgraph } from '../../platform/subgraph/serve-subgraph.js';
import type { Channel } from './channels/channel.js';
import type { SmsProvider } from './channels/sms/sms-provider.js';
import { EmailChannel, type EmailSettings } from './channels/email/email.channel.js';
import type { EmailDirectory } from './channels/email/email-directory.js';
import { createPush, type PushConfig } from './channels/push/push-setup.js';
import { SmsChannel } from './channels/sms/sms.channel.js';
import { notificationsRoutes } from './contract.js';
import { createWebhooks, defaultWebhookSettings, type WebhookSettings } from './webhooks/webhooks-module.js';
import { NOTIFICATIONS_INDEXES } from './declared-indexes.js';
import { createPipeline, type ChannelKit, type PipelineSettings } from './pipeline.js';
import type { RecipientDirectory } from './recipients/directory.js';
import { buildNotificationsSchema } from './schema.js';
import { bookingsSource } from './sources/bookings.source.js';
import { ordersSource, paymentSources, roadsideSource, stockSource } from './sources/commerce.source.js';
import { healthAlertsSource } from './sources/health-alerts.source.js';
import { serveNotifyOwners } from './sources/owners.route.js';
import { serveVehicleGrants } from './consent/grants.route.js';
import { StreamSources, type StreamSource, type StreamSourceSettings } from './sources/stream-sources.js';

export type { ChannelKit };

export interface NotificationsSettings extends PipelineSettings {
  bookingReminderLeadMs: number;
  subscriberQueue: number;
  consumers?: StreamSourceSettings;
}

export interface NotificationsDeps {
  db: Db;
  bus: EventBus;
  logger: Logger;
  settings: NotificationsSettings;
  recipients: RecipientDirectory;
  /** SMS through this provider; without one, SMS deliveries stay queued (nothing lost). */
  sms?: SmsProvider;
  /** Web Push; without it (or without VAPID keys in production) PUSH deliveries stay queued. */
  push?: PushConfig;
  /** Email over SMTP to the addresses `directory` answers; without it EMAIL deliveries stay queued. */
  email?: { settings: EmailSettings; directory: EmailDirectory };
  /** More channels (Web Push, email): each helper adds its factory in descriptor.ts. */
  channels?: ((kit: ChannelKit) => Channel | Promise<Channel>)[];
  /** B2B webhooks (WEBHOOK_*); development's defaults when absent. */
  webhooks?: WebhookSettings;
  clock?: () => Date;
}

export async function createNotificationsSubgraph(deps: NotificationsDeps): Promise<Subgraph> {
  const { db, bus, logger, settings, recipients } = deps;
  const sms = deps.sms;
  const push = await createPush(db, logger, deps.push);
  const email = deps.email;
  const pipeline = await createPipeline({
    db,
    bus,
    logger,
    settings,
    ...(deps.clock ? { clock: deps.clock } : {}),
    channels: [
      ...(sms ? [(kit: ChannelKit) => new SmsChannel(sms, kit.preferences)] : []),
      ...(push.channel ? [() => push.channel!] : []),
      ...(email ? [(kit: ChannelKit) => new EmailChannel(email.directory, email.settings, kit.logger)] : []),
      ...(deps.channels ?? []),
    ],
  });
  const { dispatcher, notifications, deliveries, preferences, unsubscribe, schedule, metrics } = pipeline;
  const consumerMetrics = new StreamConsumerMetrics();
  const sources = new StreamSources(
    bus,
    [
      healthAlertsSource(dispatcher, recipients),
      bookingsSource(dispatcher, recipients, schedule, settings.bookingReminderLeadMs),
      ordersSource(dispatcher, recipients),
      ...paymentSources(dispatcher),
      roadsideSource(dispatcher),
      stockSource(dispatcher, recipients),
    ] as StreamSource<never>[] as StreamSource[],
    settings.consumers,
    consumerMetrics,
  );
  await sources.start();
  pipeline.start();
  const webhooks = await createWebhooks({
    db,
    bus,
    logger,
    settings: deps.webhooks ?? defaultWebhookSettings(settings.unsubscribe.secret),
    dispatcher,
    ...(deps.clock ? { clock: deps.clock } : {}),
  });
  await webhooks.start();

  return {
    name: 'notifications',
    schema: await buildNotificationsSchema({
      notifications,
      deliveries,
      preferences,
      unsubscribe,
      pushDevices: push.devices,
      webhooks: webhooks.service,
      grants: webhooks.grants,
      recipients,
    }),
    context: () => ({ inboxFeed: { bus, maxQueue: settings.subscriberQueue } }),
    internalRoutes: (router) => {
      serveIndexCheck(router, notificationsRoutes.indexes, 'notifications', db, NOTIFICATIONS_INDEXES);
      serveNotifyOwners(router, dispatcher, recipients);
      serveVehicleGrants(router, webhooks.grants);
    },
    async stop() {
      await sources.stop();
      await webhooks.stop();
      await pipeline.stop();
    },
    healthChecks: { database: databaseCheck(db) },
    registerMetrics: (registry) => {
      metrics.register(registry);
      consumerMetrics.register(registry);
      webhooks.metrics.register(registry);
    },
  };
}
