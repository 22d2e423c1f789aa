import type { Db } from 'mongodb';
import type { EventBus } from '../../platform/events/bus.js';
import { RetentionJob } from '../../platform/jobs/retention-job.js';
import type { Logger } from '../../platform/logger.js';
import type { Channel } from './channels/channel.js';
import { ChannelSet } from './channels/channel-set.js';
import { InAppChannel } from './channels/in-app.channel.js';
import { CapStore } from './dispatch/cap.store.js';
import { Dispatcher, type DispatchSettings } from './dispatch/dispatcher.js';
import { FoldStore } from './dispatch/fold.store.js';
import { ScheduleStore } from './dispatch/schedule.store.js';
import { Scheduler } from './dispatch/scheduler.js';
import { DeliveryWorker, type DeliveryWorkerSettings } from './deliveries/delivery-worker.js';
import { DeliveryStore } from './deliveries/delivery.store.js';
import { InboxLive } from './inbox/live.js';
import { NotificationStore } from './inbox/notification.store.js';
import { NotificationMetrics } from './metrics.js';
import { PreferenceStore } from './preferences/preference.store.js';
import { UnsubscribeTokens } from './unsubscribe/token.js';

/** What channel helpers' channels are built from (push devices, email addresses are theirs to keep). */
export interface ChannelKit {
  db: Db;
  logger: Logger;
  preferences: PreferenceStore;
}

export interface PipelineSettings extends DispatchSettings {
  delivery: DeliveryWorkerSettings;
  unsubscribe: { secret: string; baseUrl: string };
}

/**
 * The stores, the dispatcher and the delivery worker, wired: what the subgraph runs and what the
 * pipeline's integration tests and the benchmark drive directly. IN_APP is always there;
 * `channels` adds the others (SMS, and the channel helpers' push and email).
 */
export async function createPipeline(deps: {
  db: Db;
  bus: EventBus;
  logger: Logger;
  settings: PipelineSettings;
  channels?: ((kit: ChannelKit) => Channel | Promise<Channel>)[];
  clock?: () => Date;
}) {
  const { db, bus, logger, settings } = deps;
  const clock = deps.clock ?? (() => new Date());
  const notifications = new NotificationStore(db);
  const deliveries = new DeliveryStore(db);
  const preferences = new PreferenceStore(db);
  const folds = new FoldStore(db);
  const caps = new CapStore(db);
  const schedule = new ScheduleStore(db);
  await Promise.all([notifications, deliveries, preferences, folds, caps, schedule].map((s) => s.init()));

  const metrics = new NotificationMetrics();
  const live = new InboxLive(bus, logger);
  const kit: ChannelKit = { db, logger, preferences };
  const channels = new ChannelSet([
    new InAppChannel(live),
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
  // Closed flap windows and past hours' cap counters are only bookkeeping: gone after a day.
  const retention = new RetentionJob(
    [
      {
        name: 'notification flap windows',
        maxAgeMs: 86_400_000,
        deleteOlderThan: (cutoff) => folds.deleteClosedBefore(cutoff),
      },
      {
        name: 'notification hourly caps',
        maxAgeMs: 86_400_000,
        deleteOlderThan: (cutoff) => caps.deleteOlderThan(cutoff),
      },
    ],
    3_600_000,
    logger,
    clock,
  );
  return {
    notifications,
    deliveries,
    preferences,
    schedule,
    folds,
    caps,
    retention,
    metrics,
    channels,
    worker,
    dispatcher,
    scheduler,
    unsubscribe,
    start() {
      worker.start();
      scheduler.start();
      retention.start();
    },
    async stop() {
      await retention.stop();
      await scheduler.stop();
      await worker.stop();
      await channels.stop();
    },
  };
}

export type Pipeline = Awaited<ReturnType<typeof createPipeline>>;
