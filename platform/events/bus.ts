import type { StreamConsumerMetrics } from './consumer-metrics.js';

/**
 * The event bus every subgraph uses. It carries two kinds of traffic:
 *
 * - **Live topics** (`publish` / `subscribe`): fan-out to whoever listens right now, on every
 *   bus instance (every process, with Redis). At-most-once: a subscriber that is not there,
 *   or a broker connection that is down, when an event is published misses it. For
 *   subscriptions that clients watch live.
 * - **Durable streams** (`append` / `consume`): an append-only log read by consumer groups.
 *   Each event reaches every group, and within a group exactly one consumer at a time;
 *   it is acknowledged only after the handler succeeds, so delivery is at-least-once:
 *   a failed handler, a crashed consumer or a restart means the event is delivered again.
 *   Handlers must be idempotent; dedupe on `StreamEvent.id`. For processing pipelines.
 *
 * The two never mix: a producer that feeds both a live subscription and a pipeline calls
 * both `publish` and `append`.
 *
 * Payloads travel as JSON, on both implementations: what a handler gets is
 * `JSON.parse(JSON.stringify(payload))`, so a `Date` arrives as its ISO string, `undefined`
 * fields disappear and class instances become plain objects. Handlers on one bus instance
 * share one decoded copy of each event: treat it as read-only.
 */
export interface EventBus {
  publish<T>(topic: string, payload: T): Promise<void>;
  /** Returns the function that ends the subscription. */
  subscribe<T>(topic: string, handler: (payload: T) => void | Promise<void>): Unsubscribe;
  /** Adds an event to a durable stream and resolves with its id once the broker has it. */
  append<T>(stream: string, payload: T): Promise<string>;
  /** Starts a consumer of `stream` in `group`, creating the group when it is new. */
  consume<T>(
    stream: string,
    group: string,
    consumer: string,
    handler: StreamHandler<T>,
    options?: ConsumeOptions<T>,
  ): StreamConsumer;
  /** Stops every consumer (see `StreamConsumer.stop`), ends subscriptions, closes connections. */
  close(): Promise<void>;
}

/** Ends a live subscription. */
export interface Unsubscribe {
  (): void;
  /**
   * Resolves once the broker delivers to this subscription: at once in process, after the
   * SUBSCRIBE round trip with Redis. Await it before relying on the next publish arriving.
   */
  readonly ready: Promise<void>;
}

export interface StreamEvent<T> {
  /**
   * Unique within the stream and increasing in append order (`<ms>-<seq>`, as Redis ids):
   * the key to dedupe on.
   */
  id: string;
  stream: string;
  payload: T;
  /** 1 on first delivery; more when this event failed, or its consumer died, before. */
  deliveryCount: number;
}

/** Resolving acknowledges the event; throwing leaves it pending, delivered again after `claimIdleMs`. */
export type StreamHandler<T> = (event: StreamEvent<T>) => void | Promise<void>;

/**
 * The contract of a stream's payloads, as its consumer checks it (a zod schema fits). What
 * `safeParse` returns as `data` is what the handler gets.
 */
export interface PayloadSchema<T> {
  safeParse(
    payload: unknown,
  ): { success: true; data: T } | { success: false; error: { issues: readonly PayloadIssue[] } };
}

export interface PayloadIssue {
  path: readonly PropertyKey[];
  message: string;
}

export interface ConsumeOptions<T = unknown> {
  /**
   * The payloads' contract. An event that breaks it is never given to the handler: it is moved
   * to the dead-letter stream (reason `invalid`), as retrying it would only fail again.
   */
  schema?: PayloadSchema<T>;
  /** Where the consumer counts what it dead-letters (the consuming service's /metrics). */
  metrics?: StreamConsumerMetrics;
  /** Most events read at once (64); one consumer handles them one after another, in order. */
  batchSize?: number;
  /** How long one read waits for new events (2 s) before looking for claimable ones again. */
  blockMs?: number;
  /**
   * The visibility timeout: an event delivered this long ago and still not acknowledged
   * (its handler failed, or its consumer died) is claimed by whichever consumer of the
   * group looks next, itself included. Must exceed the slowest handler run, or events
   * are processed twice. 30 s by default.
   */
  claimIdleMs?: number;
  /**
   * After this many deliveries an event is moved to the `<stream>.dead-letter` stream
   * (as a `DeadLetter`) and acknowledged, so one poison event cannot loop forever. 10 by default.
   * Whatever is dead-lettered, for any reason, is also counted (`metrics`), logged, and raised
   * as an ops alert on `ops.alerts` (see platform/events/ops-alerts.ts).
   */
  maxDeliveries?: number;
  /** Where a group that does not exist yet starts: every retained event (default), or only new ones. */
  from?: 'start' | 'end';
  /** How long `stop()` waits for a running handler (10 s) before leaving its event un-acknowledged. */
  stopTimeoutMs?: number;
  /**
   * The order that matters, when not the whole stream's: events with the same key are handled
   * one after another in stream order, events with different keys at the same time (up to
   * `concurrency`). A handler failure holds back the rest of its key's events in the batch,
   * which come back with it (after `claimIdleMs`). Unset: every event in order, one at a time,
   * and a failed event comes back by itself.
   */
  orderKey?: (payload: unknown) => string;
  /** Keys handled at once within a batch when `orderKey` is set (8 by default). */
  concurrency?: number;
  /**
   * With `orderKey`: each key's events of a batch go to this in one call, in stream order,
   * instead of to the handler one at a time, so a consumer can fold them into one write (a
   * backlog then costs less per event the longer it is). Resolving acknowledges them all;
   * throwing acknowledges none, and all come back (after `claimIdleMs`).
   */
  keyBatchHandler?: (events: StreamEvent<T>[]) => Promise<void>;
}

export interface StreamConsumer {
  /** Resolves once the group exists: events appended from then on will reach it. */
  readonly ready: Promise<void>;
  /**
   * Lets the running handler finish (up to `stopTimeoutMs`), acknowledges what succeeded and
   * stops reading; what was read but not handled stays pending for the group.
   */
  stop(): Promise<void>;
}

/**
 * Why an event was dead-lettered: its handler kept failing, it is not JSON, or it breaks the
 * payload contract (`ConsumeOptions.schema`).
 */
export const DEAD_LETTER_REASONS = ['max-deliveries', 'undecodable', 'invalid'] as const;
export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number];

/** What `<stream>.dead-letter` receives. */
export interface DeadLetter {
  stream: string;
  group: string;
  id: string;
  deliveryCount: number;
  reason: DeadLetterReason;
  /** For `invalid`: which checks failed (paths and messages, never the values). */
  detail?: string;
  /** The event's JSON exactly as it was stored. */
  data: string;
}

export const deadLetterStream = (stream: string) => `${stream}.dead-letter`;
