import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { EventBus, PayloadSchema, StreamConsumer, StreamEvent } from '../../../platform/events/bus.js';
import { HEALTH_ALERTS, healthAlertEventSchema, type HealthAlertEvent } from '../../health/contract.js';
import {
  BOOKING_CHANGED,
  bookingChangedSchema,
  ORDER_UPDATED,
  orderUpdatedSchema,
  type BookingChanged,
  type OrderUpdated,
} from '../../marketplace/contract.js';
import { PAYMENT_TOPICS, paymentEventSchema, type PaymentEvent } from '../../payments/contract.js';
import { TELEMETRY_DTCS, telemetryDtcsEventSchema } from '../../telemetry/contract.js';
import { VEHICLE_ADDED, vehicleEventSchema, type VehicleEvent } from '../../vehicles/contract.js';
import { streamPosition, type WebhookEvent } from './webhook.service.js';

/**
 * The consumer group the webhook fan-out reads the platform's durable streams in: its own, so
 * that it sees every event beside the inbox's `notifications` group.
 */
export const WEBHOOKS_GROUP = 'notifications-webhooks';

interface WebhookSource<T> {
  stream: string;
  schema: PayloadSchema<T>;
  /** The resource whose events must keep their order (and whose sequence numbers they take). */
  orderKey(payload: T): string;
  toEvent(event: StreamEvent<T>): Omit<WebhookEvent, 'position'> | null;
}

const source = <T>(s: WebhookSource<T>) => s as unknown as WebhookSource<unknown>;

type DtcEvent = { vehicleId: string; mode: string; codes: string[]; recordedAt: string };

/** Bus topics -> webhook event types (event-types.ts). */
export const WEBHOOK_SOURCES: WebhookSource<unknown>[] = [
  source<HealthAlertEvent>({
    stream: HEALTH_ALERTS,
    schema: healthAlertEventSchema,
    orderKey: (a) => a.id,
    toEvent: ({ payload: a }) =>
      a.status === 'ACKNOWLEDGED'
        ? null
        : {
            key: `alert:${a.id}:${a.history.length}:${a.status}`,
            type: a.status === 'RESOLVED' ? 'health.alert.resolved' : 'health.alert.opened',
            resource: { kind: 'alert', id: a.id },
            vehicleId: a.vehicleId,
            customerId: null,
            data: {
              alertId: a.id,
              vehicleId: a.vehicleId,
              rule: a.rule,
              part: a.part,
              severity: a.severity,
              message: a.message,
              value: a.value,
              threshold: a.threshold,
              openedAt: a.openedAt,
              resolvedAt: a.resolvedAt,
            },
            at: new Date(a.history.at(-1)?.at ?? a.openedAt),
          },
  }),
  source<DtcEvent>({
    stream: TELEMETRY_DTCS,
    schema: telemetryDtcsEventSchema as PayloadSchema<DtcEvent>,
    orderKey: (d) => d.vehicleId,
    toEvent: ({ id, payload: d }) =>
      d.mode === 'cleared' || d.codes.length === 0
        ? null
        : {
            key: `${TELEMETRY_DTCS}:${id}`,
            type: 'telemetry.dtc.detected',
            resource: { kind: 'vehicle', id: d.vehicleId },
            vehicleId: d.vehicleId,
            customerId: null,
            data: { vehicleId: d.vehicleId, mode: d.mode, codes: d.codes, recordedAt: d.recordedAt },
            at: new Date(d.recordedAt),
          },
  }),
  source<VehicleEvent>({
    stream: VEHICLE_ADDED,
    schema: vehicleEventSchema,
    orderKey: (v) => v.vehicleId,
    toEvent: ({ payload: v }) => ({
      key: `vehicle.added:${v.vehicleId}`,
      type: 'vehicle.added',
      resource: { kind: 'vehicle', id: v.vehicleId },
      vehicleId: v.vehicleId,
      customerId: v.ownerId,
      data: { vehicleId: v.vehicleId, vin: v.vin, at: new Date(v.at).toISOString() },
      at: new Date(v.at),
    }),
  }),
  source<BookingChanged>({
    stream: BOOKING_CHANGED,
    schema: bookingChangedSchema,
    orderKey: (b) => b.bookingId,
    toEvent: ({ payload: b }) => ({
      key: `booking:${b.bookingId}:${b.status}:${String(b.at)}`,
      type: `booking.${b.status.toLowerCase()}`,
      resource: { kind: 'booking', id: b.bookingId },
      vehicleId: b.vehicleId,
      customerId: b.customerId,
      data: { ...b },
      at: new Date(b.at),
    }),
  }),
  source<OrderUpdated>({
    stream: ORDER_UPDATED,
    schema: orderUpdatedSchema,
    orderKey: (o) => o.orderId,
    toEvent: ({ payload: o }) => ({
      key: `order:${o.orderId}:${o.status}`,
      type: `order.${o.status.toLowerCase()}`,
      resource: { kind: 'order', id: o.orderId },
      vehicleId: null,
      customerId: o.customerId,
      data: { ...o, at: new Date(o.at).toISOString() },
      at: new Date(o.at),
    }),
  }),
  ...PAYMENT_TOPICS.map((topic) =>
    source<PaymentEvent>({
      stream: topic,
      schema: paymentEventSchema,
      orderKey: (p) => p.paymentId,
      toEvent: ({ id, payload: p }) => ({
        key: `${topic}:${p.paymentId}:${p.refundedMinor}:${id}`,
        type: `payment.${topic.split('.').at(-1)}`,
        resource: { kind: 'payment', id: p.paymentId },
        vehicleId: null,
        customerId: p.customerId,
        data: { ...p, at: new Date(p.at).toISOString() },
        at: new Date(p.at),
      }),
    }),
  ),
];

/** Reads every source stream in the webhooks group: each event is fanned out by one instance, at least once. */
export class WebhookSources {
  private consumers: StreamConsumer[] = [];

  constructor(
    private readonly bus: EventBus,
    private readonly publish: (event: WebhookEvent) => Promise<unknown>,
    private readonly settings: { concurrency?: number; claimIdleMs?: number; blockMs?: number } = {},
  ) {}

  async start(): Promise<void> {
    const name = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    const { claimIdleMs, blockMs } = this.settings;
    this.consumers = WEBHOOK_SOURCES.map((s) =>
      this.bus.consume(
        s.stream,
        WEBHOOKS_GROUP,
        `${name}-${s.stream}`,
        async (event) => {
          const webhook = s.toEvent(event);
          if (webhook) await this.publish({ ...webhook, position: streamPosition(event.id, webhook.at) });
        },
        {
          schema: s.schema,
          orderKey: (payload) => s.orderKey(payload),
          from: 'end',
          concurrency: this.settings.concurrency ?? 8,
          ...(claimIdleMs !== undefined ? { claimIdleMs } : {}),
          ...(blockMs !== undefined ? { blockMs } : {}),
        },
      ),
    );
    await Promise.all(this.consumers.map((c) => c.ready));
  }

  async stop(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.stop()));
    this.consumers = [];
  }
}
