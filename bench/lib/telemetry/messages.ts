import type { LatencySummary } from '../latency.js';

/* What bench/telemetry.ts asks its load process (client-process.ts) to do, and what it answers. */

export interface HttpRequestSpec {
  /** A /graphql URL: the gateway's, or a subgraph's for the straight path. */
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface IngestLoadSettings {
  /** One per vehicle; the concurrent batches take them in turn. */
  targets: HttpRequestSpec[];
  concurrency: number;
  /** Readings each batch must store: anything else counts as an error. */
  readingsPerBatch: number;
  durationSeconds: number;
  warmupSeconds: number;
}

export interface IngestLoadResult {
  batches: number;
  readingsStored: number;
  /** From the first measured request to the last measured response. */
  elapsedSeconds: number;
  batchesPerSecond: number;
  readingsPerSecond: number;
  /** Readings stored second by second: a falling series means each write costs more as data grows. */
  readingsBySecond: number[];
  latencyMs: LatencySummary;
  /** Non-200, GraphQL errors, rejected frames, a readingsStored short of the batch, socket errors. */
  errors: number;
  errorSamples: string[];
  /** Readings stored during the warm-up: in the database too, so part of the check against it. */
  warmupReadingsStored: number;
  /** CPU seconds the load process used over the whole request (warm-up included). */
  cpuSeconds: number;
}

export interface SubscriberGroup {
  /** Says who these subscribers are in the report. */
  label: string;
  count: number;
  connectionParams: Record<string, unknown>;
  query: string;
  variables: Record<string, unknown>;
  /** Whether events must carry `vehicle { vin owner { email } }` (fields of other subgraphs). */
  federated: boolean;
}

export interface SubscribeSettings {
  /** ws:// URL of the gateway's or the subgraph's /graphql. */
  url: string;
  groups: SubscriberGroup[];
}

export interface SubscribeResult {
  connected: number;
  failed: number;
  connectSeconds: number;
  failureSamples: string[];
}

export interface LiveSettings {
  /** The ingest call each event starts with (its body is built per event). */
  ingest: { url: string; headers: Record<string, string>; vehicleId: string };
  eventsPerSecond: number;
  durationSeconds: number;
  warmupSeconds: number;
}

export interface LiveResult {
  subscribers: number;
  events: number;
  /** subscribers x events */
  expected: number;
  received: number;
  missing: number;
  duplicates: number;
  /** Events with errors, or without the fields the selection asked for. */
  badEvents: number;
  badSamples: string[];
  /** Receive time at the subscriber minus the start of the ingest call, over every (subscriber, event). */
  latencyMs: LatencySummary;
  /** The ingest calls themselves, for scale. */
  ingestLatencyMs: LatencySummary;
  ingestErrors: number;
  warmupEvents: number;
  /** Subscribers that had no event by the end of the warm-up (their events count as missing). */
  notReady: number;
  /** Subscriptions that ended without being asked to (an error, a closed socket). */
  endedSubscribers: number;
  /** How late the load process sent its most delayed event (it shares the CPUs with the system). */
  maxSendLagMs: number;
  /** CPU seconds the load process used (warm-up included). */
  cpuSeconds: number;
}

export type ClientRequest =
  | { kind: 'ingest'; settings: IngestLoadSettings }
  | { kind: 'subscribe'; settings: SubscribeSettings }
  | { kind: 'measure'; settings: LiveSettings }
  | { kind: 'unsubscribe' };
