import { BOOKING_STATUSES, ORDER_STATUSES } from '../../marketplace/contract.js';

/**
 * The B2B webhook event types. An endpoint subscribes to exact names or to a family
 * (`booking.*`, `order.*`, `payment.*`, `health.alert.*`).
 */
export const VEHICLE_SCOPES = ['TELEMETRY', 'HEALTH', 'LOCATION'] as const;
export type VehicleScope = (typeof VEHICLE_SCOPES)[number];

const lower = (s: string) => s.toLowerCase();
export const WEBHOOK_EVENT_TYPES = [
  'health.alert.opened',
  'health.alert.resolved',
  'telemetry.dtc.detected',
  'vehicle.added',
  ...BOOKING_STATUSES.map((s) => `booking.${lower(s)}`),
  ...ORDER_STATUSES.map((s) => `order.${lower(s)}`),
  'payment.succeeded',
  'payment.failed',
  'payment.refunded',
  /** sendTestWebhook's event; subscribed to by every endpoint. */
  'webhook.test',
] as const;
export const WEBHOOK_EVENT_FAMILIES = ['health.alert.*', 'booking.*', 'order.*', 'payment.*'] as const;

export const isSubscribable = (name: string) =>
  (WEBHOOK_EVENT_TYPES as readonly string[]).includes(name) ||
  (WEBHOOK_EVENT_FAMILIES as readonly string[]).includes(name);

/** The names an endpoint subscribed to `type` may have listed: the type itself or its family. */
export function subscriptionNames(type: string): string[] {
  const dot = type.lastIndexOf('.');
  return dot > 0 ? [type, `${type.slice(0, dot)}.*`] : [type];
}

/**
 * Which consent an event about a vehicle needs (consent/): the scope the org must hold on the
 * vehicle. Events with `scope: null` and a vehicle need any live grant on it (vehicle.added,
 * bookings); events without a vehicle (orders, payments) go only to the org that is their
 * customer.
 */
export function scopeOf(type: string): VehicleScope | null {
  if (type.startsWith('health.')) return 'HEALTH';
  if (type.startsWith('telemetry.')) return 'TELEMETRY';
  return null;
}
