import type { Logger } from '../logger.js';
import {
  deadLetterStream,
  type ConsumeOptions,
  type DeadLetter,
  type PayloadIssue,
  type StreamConsumer,
  type StreamHandler,
} from './bus.js';
import { mapBounded } from '../async/map-bounded.js';
import { decodeEvent } from './codec.js';
import { deadLetterAlert, OPS_ALERTS_STREAM } from './ops-alerts.js';

/** One stored event as a group reader hands it over: the payload still encoded. */
export interface StoredEvent {
  id: string;
  data: string;
  deliveryCount: number;
}

/**
 * One consumer's view of a consumer group, as each broker implements it. The delivery
 * semantics (batching, acks, claims, poison events, stopping) live in `startStreamConsumer`,
 * once for both brokers.
 */
export interface GroupReader {
  /** Creates the group when it does not exist; an existing group keeps its position. */
  ensureGroup(from: 'start' | 'end'): Promise<void>;
  /** Takes over events pending (delivered, not acknowledged) for at least `minIdleMs`. */
  claimIdle(minIdleMs: number, count: number): Promise<StoredEvent[]>;
  /** Events never delivered to the group, waiting up to `blockMs` for some to arrive. */
  readNew(count: number, blockMs: number): Promise<StoredEvent[]>;
  ack(ids: string[]): Promise<void>;
  /** Ends a waiting `readNew` early (it may then reject); only `ack` is called after this. */
  interrupt(): void;
}

type OptionalKeys = 'orderKey' | 'schema' | 'metrics' | 'keyBatchHandler';
export type ResolvedConsumeOptions<T = unknown> = Required<Omit<ConsumeOptions<T>, OptionalKeys>> &
  Pick<ConsumeOptions<T>, OptionalKeys>;

export const CONSUME_DEFAULTS: Required<Omit<ConsumeOptions, OptionalKeys>> = {
  batchSize: 64,
  blockMs: 2_000,
  claimIdleMs: 30_000,
  maxDeliveries: 10,
  from: 'start',
  stopTimeoutMs: 10_000,
  concurrency: 8,
};

const MAX_BACKOFF_MS = 5_000;

/** Fills in the defaults and refuses nonsense before a bus opens anything for the consumer. */
export function resolveConsumeOptions<T>(options: ConsumeOptions<T> = {}): ResolvedConsumeOptions<T> {
  const resolved: ResolvedConsumeOptions<T> = { ...CONSUME_DEFAULTS, ...options };
  for (const key of ['batchSize', 'blockMs', 'claimIdleMs', 'maxDeliveries', 'stopTimeoutMs', 'concurrency'] as const) {
    if (!Number.isInteger(resolved[key]) || resolved[key] < 1)
      throw new RangeError(`${key} must be a positive integer`);
  }
  return resolved;
}

interface ConsumerSetup<T> {
  stream: string;
  group: string;
  consumer: string;
  reader: GroupReader;
  handler: StreamHandler<T>;
  options: ResolvedConsumeOptions<T>;
  /** Where dead letters and ops alerts go: the bus's own `append`. */
  append: (stream: string, payload: unknown) => Promise<string>;
  logger?: Logger;
}

export function startStreamConsumer<T>(setup: ConsumerSetup<T>): StreamConsumer {
  const { stream, group, consumer, reader, handler, append, options } = setup;
  const logger = setup.logger?.child({ stream, group, consumer });
  // Looking for abandoned events twice per visibility timeout bounds how late they come back.
  const claimIntervalMs = Math.max(1, Math.floor(options.claimIdleMs / 2));
  let stopping = false;
  let wakeUp: () => void = () => undefined;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  /**
   * Parks an event no handler run will ever get through, so the group moves on, and says so
   * loudly: counted on /metrics, logged, and raised as an ops alert (which the agents see). An
   * append that fails throws, leaving the event pending: it comes back and is parked again.
   */
  async function deadLetter(event: StoredEvent, reason: DeadLetter['reason'], detail?: string): Promise<void> {
    const { id, deliveryCount, data } = event;
    const letter: DeadLetter = { stream, group, id, deliveryCount, reason, ...(detail ? { detail } : {}), data };
    await append(deadLetterStream(stream), letter);
    options.metrics?.deadLettered.inc({ stream, group, reason });
    logger?.error({ id, deliveryCount, reason, detail }, 'event moved to the dead-letter stream');
    // An alert about an alert would chain without end while the agents cannot take them.
    if (stream !== OPS_ALERTS_STREAM) await append(OPS_ALERTS_STREAM, deadLetterAlert(letter, new Date()));
  }

  /**
   * Handles a batch: poison events go to the dead-letter stream, the others through the
   * handler, in order per `orderKey` (see ConsumeOptions). Each is acknowledged as soon as its
   * handler succeeds (without waiting for the reply), so a handler that hangs later in the
   * batch holds back only its own.
   */
  async function handle(events: StoredEvent[]): Promise<void> {
    const acks: Promise<void>[] = [];
    let ackError: unknown;
    const ack = (id: string) => acks.push(reader.ack([id]).catch((err) => void (ackError ??= err)));
    const lanes = new Map<string, { event: StoredEvent; payload: T }[]>();
    for (const event of events) {
      if (event.deliveryCount > options.maxDeliveries) {
        await deadLetter(event, 'max-deliveries');
        ack(event.id);
        continue;
      }
      let payload: T;
      try {
        payload = decodeEvent<T>(event.data);
      } catch {
        await deadLetter(event, 'undecodable');
        ack(event.id);
        continue;
      }
      if (options.schema) {
        const checked = options.schema.safeParse(payload);
        if (!checked.success) {
          await deadLetter(event, 'invalid', describeIssues(checked.error.issues));
          ack(event.id);
          continue;
        }
        payload = checked.data;
      }
      const key = options.orderKey ? laneKey(payload) : '';
      const lane = lanes.get(key);
      if (lane) lane.push({ event, payload });
      else lanes.set(key, [{ event, payload }]);
    }
    const toEvent = ({ event, payload }: { event: StoredEvent; payload: T }) => ({
      id: event.id,
      stream,
      payload,
      deliveryCount: event.deliveryCount,
    });
    const { keyBatchHandler } = options;
    await mapBounded([...lanes.values()], options.orderKey ? options.concurrency : 1, async (lane) => {
      if (keyBatchHandler && options.orderKey) {
        if (stopping) return;
        try {
          await keyBatchHandler(lane.map(toEvent));
          for (const { event } of lane) ack(event.id);
        } catch (err) {
          logger?.warn(
            { err, ids: lane.map(({ event }) => event.id) },
            "a key's events failed together; they will be delivered again",
          );
        }
        return;
      }
      for (const { event, payload } of lane) {
        if (stopping) return;
        try {
          await handler(toEvent({ event, payload }));
          ack(event.id);
        } catch (err) {
          logger?.warn(
            { err, id: event.id, deliveryCount: event.deliveryCount },
            'event handler failed; the event will be delivered again',
          );
          // Its key's later events wait for it; without keys, the others go on.
          if (options.orderKey) return;
        }
      }
    });
    await Promise.all(acks);
    if (ackError) throw ackError;
  }

  /** A key function that throws puts the event in a lane of its own kind rather than losing it. */
  function laneKey(payload: T): string {
    try {
      return String(options.orderKey!(payload));
    } catch {
      return '(no key)';
    }
  }

  let markReady: () => void = () => undefined;
  let markNeverReady: (err: Error) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    markNeverReady = reject;
  });
  // For callers to await; nobody has to.
  ready.catch(() => undefined);

  async function run(): Promise<void> {
    let grouped = false;
    let nextClaimAt = 0;
    let backoffMs = 100;
    // One retry loop for everything: a broker that is down at start-up or later only delays.
    while (!stopping) {
      try {
        if (!grouped) {
          await reader.ensureGroup(options.from);
          grouped = true;
          markReady();
        }
        let events: StoredEvent[] = [];
        if (Date.now() >= nextClaimAt) {
          events = await reader.claimIdle(options.claimIdleMs, options.batchSize);
          // A full batch means more may be waiting: keep claiming before reading new events.
          if (events.length < options.batchSize) nextClaimAt = Date.now() + claimIntervalMs;
        }
        if (events.length === 0 && !stopping) {
          const waitMs = Math.max(1, Math.min(options.blockMs, nextClaimAt - Date.now()));
          events = await reader.readNew(options.batchSize, waitMs);
        }
        await handle(events);
        backoffMs = 100;
      } catch (err) {
        if (stopping) break;
        logger?.warn({ err, retryInMs: backoffMs }, 'event stream read failed');
        await pause(backoffMs);
        backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
      }
    }
    if (!grouped) markNeverReady(new Error('the consumer was stopped before its group existed'));
  }

  const running = run();
  let stopped: Promise<void> | undefined;

  async function stop(): Promise<void> {
    stopping = true;
    reader.interrupt();
    wakeUp();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), options.stopTimeoutMs);
    });
    const outcome = await Promise.race([running.then(() => 'stopped' as const), timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') logger?.warn('a handler outlived stopTimeoutMs; its event stays pending for the group');
  }

  return {
    ready,
    stop: () => (stopped ??= stop()),
  };
}

/** The failed checks, by path, without the values (which may be anything a producer sent). */
export function describeIssues(issues: readonly PayloadIssue[]): string {
  const shown = issues.slice(0, 5).map((i) => `${i.path.map(String).join('.') || '(payload)'}: ${i.message}`);
  const more = issues.length > shown.length ? `; and ${issues.length - shown.length} more` : '';
  return `${shown.join('; ')}${more}`.slice(0, 500);
}

/** The consumers one bus started, so that closing the bus stops them all. */
export class ConsumerRegistry {
  private readonly running = new Set<StreamConsumer>();

  track(consumer: StreamConsumer): StreamConsumer {
    this.running.add(consumer);
    return {
      ready: consumer.ready,
      stop: async () => {
        await consumer.stop();
        this.running.delete(consumer);
      },
    };
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.running].map((c) => c.stop()));
    this.running.clear();
  }
}
