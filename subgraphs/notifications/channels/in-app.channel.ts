import type { InboxLive, NotificationEvent } from '../inbox/live.js';
import { sent, type Channel, type OutboundDelivery, type SendResult } from './channel.js';

/**
 * IN_APP: the entry is already in the inbox (the pipeline wrote it); this channel puts it on the
 * user's live `notifications` subscription, on every gateway instance through the bus, built
 * from the delivery (what the entry said when it was made: no read). A bus that refuses the
 * publish is an outage: retried like any channel's.
 */
export class InAppChannel implements Channel {
  readonly name = 'IN_APP' as const;
  readonly inline = true;

  constructor(private readonly live: InboxLive) {}

  async send(delivery: OutboundDelivery): Promise<SendResult> {
    const at = delivery.createdAt.toISOString();
    const event: NotificationEvent = {
      id: delivery.notificationId,
      userId: delivery.userId,
      category: delivery.category,
      kind: delivery.kind,
      severity: delivery.severity,
      title: delivery.message.title,
      body: delivery.message.text,
      deepLink: delivery.message.deepLink,
      data: delivery.message.data,
      read: false,
      folds: 0,
      createdAt: at,
      updatedAt: at,
    };
    await this.live.publishEvent(event);
    return sent();
  }
}
