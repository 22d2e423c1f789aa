import type { Category, ChannelName, Locale, NotificationKind, NotificationSeverity } from '../vocabulary.js';

/**
 * # Channels: how a notification leaves the system
 *
 * The pipeline (dispatch/dispatcher.ts) turns a source event into one inbox entry per user and
 * one *delivery* per channel the user's preferences allow. A delivery is a durable record
 * (deliveries/delivery.store.ts) that the delivery worker (deliveries/delivery-worker.ts)
 * claims when it is due, hands to the channel's `send`, and moves on by what `send` answers:
 *
 * - `{ status: 'sent' }`: done (SENT). `providerId` is kept for support.
 * - `{ status: 'retry', reason }`: the channel or its provider is unavailable right now (SMTP
 *   down, HTTP 5xx, a timeout). The delivery becomes FAILED(reason) and is tried again after an
 *   exponential backoff (`retryAfterMs` overrides it), until the last attempt makes it DEAD.
 * - `{ status: 'permanent', reason }`: it can never succeed (no email address, a push
 *   subscription the browser revoked, a number the provider refuses): DEAD at once.
 *
 * `send` must not throw for expected failures; a throw counts as `retry` with its message.
 * Delivery is at least once: a worker that dies between `send` and recording the answer sends
 * again after its lease expires, so pass `delivery.id` to providers that take an idempotency key.
 *
 * Quiet hours, per-user caps, the flap window (one interrupting delivery per vehicle and rule
 * per NOTIFY_DEDUPE_MINUTES) and preferences are decided before a delivery exists or when the
 * worker claims it: a channel never has to check them.
 *
 * ## Adding a channel (Web Push, email, ...)
 *
 * Put it in a folder of its own under channels/ (channels/push, channels/email), implement
 * `Channel`, and add its factory, `(kit: ChannelKit) => Channel`, to the `channels` list in
 * descriptor.ts (ChannelKit, pipeline.ts: the database, the logger, the preference store).
 * Until a channel is registered, deliveries for it are still created, queued and shown to
 * staff; the worker claims only registered channels, so they go out once it lands (an outage
 * and a channel not yet deployed look the same: queued, nothing lost). Recipient details a
 * channel needs (push devices, an email address) are its own business: it keeps its own store
 * or asks `RecipientDirectory` (recipients/directory.ts), by `delivery.userId`.
 */
export interface Channel {
  readonly name: ChannelName;
  send(delivery: OutboundDelivery): Promise<SendResult>;
  /**
   * True for a channel that only hands the message to something local (IN_APP: the bus): the
   * pipeline sends before it stores the delivery and stores the answer with it (a SENT delivery
   * costs one write, not three). A retry then goes through the worker like any other.
   */
  readonly inline?: boolean;
  /** Stops background work (connections, pools) before the database closes. */
  stop?(): Promise<void>;
}

export type SendResult =
  | { status: 'sent'; providerId?: string }
  | { status: 'retry'; reason: string; retryAfterMs?: number }
  | { status: 'permanent'; reason: string };

export const sent = (providerId?: string): SendResult => ({ status: 'sent', ...(providerId ? { providerId } : {}) });
export const retryable = (reason: string, retryAfterMs?: number): SendResult => ({
  status: 'retry',
  reason,
  ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
});
export const permanent = (reason: string): SendResult => ({ status: 'permanent', reason });

/** What a template produced for one user, in their language, stored with the delivery. */
export interface RenderedMessage {
  locale: Locale;
  /** Title of a push, subject of an email, first line of an SMS. */
  title: string;
  /** Plain text body (SMS, push body, the text part of an email). */
  text: string;
  /** A whole HTML document (`<html lang dir>`), for email. */
  html: string;
  /** Where the mobile app opens (`clutch://...`). */
  deepLink: string;
  /** The deep link's parameters, flat strings, for apps that route by fields. */
  data: Record<string, string>;
  /** Marketing only: the signed one-click unsubscribe URL every marketing email must carry. */
  unsubscribeUrl?: string;
}

/** One delivery as a channel sees it. */
export interface OutboundDelivery {
  /** Stable across retries: the idempotency key for providers. */
  id: string;
  notificationId: string;
  userId: string;
  channel: ChannelName;
  category: Category;
  kind: NotificationKind;
  severity: NotificationSeverity;
  /** 1 on the first attempt. */
  attempt: number;
  /** When the delivery was queued (the notification's time). */
  createdAt: Date;
  message: RenderedMessage;
}
