import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { EventBus, PayloadSchema, StreamConsumer, StreamEvent } from '../../../platform/events/bus.js';
import type { StreamConsumerMetrics } from '../../../platform/events/consumer-metrics.js';

/** The consumer group every notifications instance reads the source streams in. */
export const NOTIFICATIONS_GROUP = 'notifications';

/** One durable stream the notifications subgraph turns into notifications. */
export interface StreamSource<T = unknown> {
  stream: string;
  schema: PayloadSchema<T>;
  /** Idempotent: may run again for the same event (at-least-once). Throwing redelivers it later. */
  handle(event: StreamEvent<T>): Promise<void>;
  /**
   * Events with the same key are handled in stream order (an alert's opening before its
   * resolution: the fold window relies on it), different keys at once (`concurrency`).
   */
  orderKey(payload: T): string;
}

export interface StreamSourceSettings {
  /** Keys (vehicles, bookings, ...) handled at once per stream (8 by default). */
  concurrency?: number;
  claimIdleMs?: number;
  blockMs?: number;
  name?: string;
}

/** Consumes every source in the `notifications` group: each event reaches one instance, at least once. */
export class StreamSources {
  private consumers: StreamConsumer[] = [];

  constructor(
    private readonly bus: EventBus,
    private readonly sources: readonly StreamSource[],
    private readonly settings: StreamSourceSettings = {},
    private readonly metrics?: StreamConsumerMetrics,
  ) {}

  async start(): Promise<void> {
    const name = this.settings.name ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    const { claimIdleMs, blockMs } = this.settings;
    this.consumers = this.sources.map((source) =>
      this.bus.consume(source.stream, NOTIFICATIONS_GROUP, `${name}-${source.stream}`, (e) => source.handle(e), {
        schema: source.schema,
        orderKey: (payload) => source.orderKey(payload as never),
        // A group made now starts at the end: a first deployment does not notify anyone of history.
        from: 'end',
        concurrency: this.settings.concurrency ?? 8,
        ...(claimIdleMs !== undefined ? { claimIdleMs } : {}),
        ...(blockMs !== undefined ? { blockMs } : {}),
        ...(this.metrics ? { metrics: this.metrics } : {}),
      }),
    );
    await Promise.all(this.consumers.map((c) => c.ready));
  }

  async stop(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.stop()));
    this.consumers = [];
  }
}
