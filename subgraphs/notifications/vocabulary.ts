/**
 * The notifications subgraph's words, shared by its GraphQL enums, stores, channels and
 * templates. Channel helpers (push, email, webhooks) extend behaviour, never these lists,
 * without a schema change.
 */

/** What a notification is about; preferences are set per category and channel. */
export const CATEGORIES = ['SAFETY', 'BOOKINGS', 'ORDERS_PAYMENTS', 'MARKETING'] as const;
export type Category = (typeof CATEGORIES)[number];

/** Where a notification can go. IN_APP is the inbox's live feed; the inbox itself always keeps the entry. */
export const CHANNELS = ['IN_APP', 'PUSH', 'EMAIL', 'SMS'] as const;
export type ChannelName = (typeof CHANNELS)[number];

/** Channels that interrupt the user: quiet hours, per-user caps and the flap window apply to these. */
export const INTERRUPTING_CHANNELS: readonly ChannelName[] = ['PUSH', 'EMAIL', 'SMS'];

/**
 * A delivery's life: QUEUED (waiting, possibly held until quiet hours end) -> SENDING (claimed
 * by one worker, under a lease) -> SENT, or FAILED(reason) and QUEUED again after a backoff,
 * or DEAD after the last attempt or a permanent failure. SUPPRESSED: never sent on purpose
 * (the user's hourly cap), with the reason.
 */
export const DELIVERY_STATUSES = ['QUEUED', 'SENDING', 'SENT', 'FAILED', 'DEAD', 'SUPPRESSED'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Every kind of notification, one template each (templates/templates.ts). */
export const NOTIFICATION_KINDS = [
  'ALERT_OPENED',
  'ALERT_ESCALATED',
  'ALERT_RESOLVED',
  'OWNER_NOTICE',
  'BOOKING_CHANGED',
  'BOOKING_REMINDER',
  'ORDER_UPDATED',
  'PAYMENT_SUCCEEDED',
  'PAYMENT_FAILED',
  'PAYMENT_REFUNDED',
  'ROADSIDE_UPDATED',
  'STOCK_LOW',
  'MARKETING',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** Languages templates exist in; Arabic is written right to left. */
export const LOCALES = ['en', 'ar'] as const;
export type Locale = (typeof LOCALES)[number];
export const isRightToLeft = (locale: Locale) => locale === 'ar';

export const SEVERITIES = ['INFO', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type NotificationSeverity = (typeof SEVERITIES)[number];
