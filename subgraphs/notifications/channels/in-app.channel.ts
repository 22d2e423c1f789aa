import { ObjectId } from 'mongodb';
import type { InboxLive } from '../inbox/live.js';
import type { NotificationStore } from '../inbox/notification.store.js';
import { permanent, sent, type Channel, type OutboundDelivery, type SendResult } from './channel.js';

/**
 * IN_APP: the entry is already in the inbox (the pipeline wrote it); this channel puts it on the
 * user's live `notifications` subscription, on every gateway instance through the bus. A bus
 * that refuses the publish is an outage: retried like any channel's.
 */
export class InAppChannel implements Channel {
  readonly name = 'IN_APP' as const;

  constructor(
    private readonly notifications: NotificationStore,
    private readonly live: InboxLive,
  ) {}

  async send(delivery: OutboundDelivery): Promise<SendResult> {
    const doc = await this.notifications.byId(new ObjectId(delivery.notificationId));
    if (!doc) return permanent('the inbox entry is gone');
    await this.live.publish(doc);
    return sent();
  }
}
