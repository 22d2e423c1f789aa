import type { EventBus } from '../../../platform/events/bus.js';
import type { Logger } from '../../../platform/logger.js';
import { userNotificationsTopic } from '../contract.js';
import type { NotificationDocument } from './notification.store.js';

/** An inbox entry as the live topic carries it (JSON: times as ISO strings). */
export interface NotificationEvent {
  id: string;
  userId: string;
  category: NotificationDocument['category'];
  kind: NotificationDocument['kind'];
  severity: NotificationDocument['severity'];
  title: string;
  body: string;
  deepLink: string;
  data: Record<string, string>;
  read: boolean;
  folds: number;
  createdAt: string;
  updatedAt: string;
}

export const toNotificationEvent = (doc: NotificationDocument): NotificationEvent => ({
  id: doc._id.toHexString(),
  userId: doc.userId,
  category: doc.category,
  kind: doc.kind,
  severity: doc.severity,
  title: doc.title,
  body: doc.body,
  deepLink: doc.deepLink,
  data: doc.data,
  read: doc.readAt !== null,
  folds: doc.foldedSources.length,
  createdAt: doc.createdAt.toISOString(),
  updatedAt: doc.updatedAt.toISOString(),
});

/** The live `notifications` subscription's feed: at-most-once, per user, on every instance through the bus. */
export class InboxLive {
  constructor(
    private readonly bus: EventBus,
    private readonly logger: Logger,
  ) {}

  async publish(doc: NotificationDocument): Promise<void> {
    await this.publishEvent(toNotificationEvent(doc));
  }

  async publishEvent(event: NotificationEvent): Promise<void> {
    await this.bus.publish(userNotificationsTopic(event.userId), event);
  }

  /** For folds: a failed live publish loses nothing (the inbox has it), so it is logged, not thrown. */
  publishQuietly(doc: NotificationDocument): void {
    this.publish(doc).catch((err) =>
      this.logger.warn({ err, notificationId: doc._id }, 'live notification not published'),
    );
  }
}
