import type { Db } from 'mongodb';
import type { EventBus } from '../../platform/events/bus.js';
import { StreamConsumerMetrics } from '../../platform/events/consumer-metrics.js';
import type { Logger } from '../../platform/logger.js';
import { databaseCheck } from '../../platform/mongo/database-check.js';
import { serveIndexCheck } from '../../platform/ops/index-check.js';
import type { Subgraph } from '../../platform/subgraph/serve-subgraph.js';
import type { Channel } from './channels/channel.js';
import { ChannelSet } from './channels/channel-set.js';
import { InAppChannel } from './channels/in-app.channel.js';
import type { SmsProvider } from './channels/sms/sms-provider.js';
import { SmsChannel } from './channels/sms/sms.channel.js';
import { notificationsRoutes } from './contract.js';
import { NOTIFICATIONS_INDEXES } from './declared-indexes.js';
import { CapStore } from './dispatch/cap.store.js';
import { Dispatcher } from './dispatch/dispatcher.js';
import { FoldStore } from './dispatch/fold.store.js';
import { ScheduleStore } from './dispatch/schedule.store.js';
import { Scheduler } from './dispatch/scheduler.js';
import { DeliveryWorker, type DeliveryWorkerSettings } from './deliveries/delivery-worker.js';
import { DeliveryStore } from './deliveries/delivery.store.js';
import { InboxLive } from './inbox/live.js';
import { NotificationStore } from './inbox/notification.store.js';
import { NotificationMetrics } from './metrics.js';
import { PreferenceStore } from './preferences/preference.store.js';
import type { RecipientDirectory } from './recipients/directory.js';
import { buildNotificationsSchema } from './schema.js';
import { bookingsSource } from './sources/bookings.source.js';
import { ordersSource, paymentSources, roadsideSource, stockSource } from './sources/commerce.source.js';
import { healthAlertsSource } from './sources/health-alerts.source.js';
import { serveNotifyOwners } from './sources/owners.route.js';
import { StreamSources, type StreamSourceSettings } from './sources/stream-sources.js';
import { UnsubscribeTokens } from './unsubscribe/token.js';

export interface NotificationsSettings {
  dedupeWindowMs: number;
  hourlyCap: number;
  bookingReminderLeadMs: number;
  delivery: DeliveryWorkerSettings;
  subscriberQueue: number;
  unsubscribe: { secret: string; baseUrl: string };
  consumers?: StreamSourceSettings;
}

/** What channel helpers' channels are built from (push devices, email addresses are theirs to keep). */
export interface ChannelKit {
  db: Db;
  logger: Logger;
  preferences: PreferenceStore;
}

export interface NotificationsDeps {
  db: Db;
  bus: EventBus;
  logger: Logger;
  settings: NotificationsSettings;
  recipients: RecipientDirectory;
  /** SMS through this provider; without one, SMS deliveries stay queued (nothing lost). */
  sms?: SmsProvider;
  /** More channels (Web Push, email): each helper adds its factory in descriptor.ts. */
  channels?: ((kit: ChannelKit) => Promise<Channel>)[];
  clock?: () => Date;
}

export async function createNotificationsSubgraph(deps: NotificationsDeps): Promise<Subgraph> {
  const { db, bus, logger, settings, recipients } = deps;
  const clock = deps.clock ?? (() => new Date());
  const notifications = new NotificationStore(db);
  const deliveries = new DeliveryStore(db);
  const preferences = new PreferenceStore(db);
  const folds = new FoldStore(db);
  const caps = new CapStore(db);
  const schedule = new ScheduleStore(db);
  await Promise.all([notifications, deliveries, preferences, folds, caps, schedule].map((s) => s.init()));

  const metrics = new NotificationMetrics();
  const consumerMetrics = new StreamConsumerMetrics();
  const live = new InboxLive(bus, logger);
  const kit: ChannelKit = { db, logger, preferences };
  const channels = new ChannelSet([
    new InAppChannel(notifications, live),
    ...(deps.sms ? [new SmsChannel(deps.sms, preferences)] : []),
    ...(await Promise.all((deps.channels ?? []).map((make) => make(kit)))),
  ]);
  const worker = new DeliveryWorker(deliveries, channels, preferences, settings.delivery, logger, metrics, clock);
  const unsubscribe = new UnsubscribeTokens(settings.unsubscribe.secret, settings.unsubscribe.baseUrl);
  const dispatcher = new Dispatcher(
    notifications,
    deliveries,
    preferences,
    folds,
    caps,
    live,
    worker,
    unsubscribe,
    { dedupeWindowMs: settings.dedupeWindowMs, hourlyCap: settings.hourlyCap },
    metrics,
    logger,
    clock,
  );
  const scheduler = new Scheduler(schedule, dispatcher, settings.delivery.pollMs, logger, clock);
  const sources = new StreamSources(
    bus,
    [
      healthAlertsSource(dispatcher, recipients),
      bookingsSource(dispatcher, recipients, schedule, settings.bookingReminderLeadMs),
      ordersSource(dispatcher, recipients),
      ...paymentSources(dispatcher),
      roadsideSource(dispatcher),
      stockSource(dispatcher, recipients),
    ] as never[],
    settings.consumers,
    consumerMetrics,
  );
  await sources.start();
  worker.start();
  scheduler.start();

  return {
    name: 'notifications',
    schema: await buildNotificationsSchema({ notifications, deliveries, preferences, unsubscribe }),
    context: () => ({ inboxFeed: { bus, maxQueue: settings.subscriberQueue } }),
    internalRoutes: (router) => {
      serveIndexCheck(router, notificationsRoutes.indexes, 'notifications', db, NOTIFICATIONS_INDEXES);
      serveNotifyOwners(router, dispatcher, recipients);
    },
    async stop() {
      await sources.stop();
      await scheduler.stop();
      await worker.stop();
      await channels.stop();
    },
    healthChecks: { database: databaseCheck(db) },
    registerMetrics: (registry) => {
      metrics.register(registry);
      consumerMetrics.register(registry);
    },
  };
}
