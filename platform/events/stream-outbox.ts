import { ObjectId, type Db } from 'mongodb';
import { Counter, type Registry } from 'prom-client';
import type { Logger } from '../logger.js';
import type { EventBus } from './bus.js';
import { decodeEvent, encodeEvent } from './codec.js';
import { StreamOutboxStore, type StreamOutboxEntry } from './stream-outbox.store.js';

export interface StreamOutboxOptions {
  /** The collection, in the service's own database, where refused appends wait (default `event_outbox`). */
  collection?: string;
  /** How often the relay looks for waiting entries (default 2 s). */
  intervalMs?: number;
  /** Entries read per query, oldest first (default 100); a pass reads on until the outbox is empty. */
  batch?: number;
  clock?: () => Date;
}

const DEFAULTS: Required<StreamOutboxOptions> = {
  collection: 'event_outbox',
  intervalMs: 2_000,
  batch: 100,
  clock: () => new Date(),
};

/** Empty reads in a row, while an entry of ours is still being written, before a pass gives up until the next tick. */
const SETTLE_READS = 3;

type Outcome = 'queued' | 'relayed' | 'lost';

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Durable appends that survive a bus outage: `append` tries the bus and, when it refuses (Redis
 * down), keeps the event in a collection of the service's database; the relay (`start`) appends
 * what waits there, oldest first, once the bus takes appends again.
 *
 * Trade-off: a fallback, not a transactional outbox. When the bus works, which is nearly always,
 * nothing is written here: the hot path costs what `bus.append` costs. The price is that a
 * process that dies between storing its data and appending the event loses that event. Writing
 * every event here first (and deleting it once appended) would close that window at two extra
 * writes per event on the hot path, and without multi-document transactions (FerretDB) it still
 * would not be atomic with the data write.
 *
 * Claiming: the relay reads a batch, then takes each entry out (`deleteOne` by `_id`: only the
 * caller whose delete removed it goes on) before appending it, and puts it back with the same
 * `_id` (so in the same place) if the append fails. One round trip per entry, on the `_id`
 * index, and two relays (one per instance) never append the same entry; a relay that finds an
 * entry taken leaves the rest of the pass to the other one, which keeps the order. The cost is
 * the window above again: a relay that dies between taking an entry and appending it loses it.
 * A lease (mark, append, delete) would close it at two writes per entry and a filter that is
 * not `_id` alone (a scan on FerretDB).
 *
 * Order: entries go out in `_id` order, which is the order `append` was called in within a
 * process. Once the bus refuses an append, this process queues every new event behind the
 * waiting ones without trying the bus (one warning per outage, not one per event), even after
 * the bus is back, until a relay pass finds the outbox empty: events a consumer folds in event
 * time (health) must not be overtaken by newer ones. Across instances, an instance that had
 * nothing queued appends directly meanwhile, so it may overtake another one's backlog.
 *
 * Duplicates: possible after an outage. An append that reached Redis but whose reply did not
 * come back (the connection dropped in between) counts as refused, and the event is appended
 * again later under a NEW stream id: consumers that dedupe on `StreamEvent.id` see two events
 * with the same payload, and must tolerate that (see `TelemetryEvents` for what health does).
 *
 * Nothing here logs a payload.
 */
export class StreamOutbox {
  private readonly options: Required<StreamOutboxOptions>;
  private readonly store: StreamOutboxStore;
  private readonly events = new Counter({
    name: 'event_outbox_events_total',
    help: 'Durable appends the event bus refused, by stream and what became of them: queued in the outbox, relayed later, or lost (the database refused them too)',
    labelNames: ['stream', 'outcome'],
    registers: [],
  });
  /** This process has entries waiting (or may have): new events queue behind them. */
  private diverting = false;
  /** Entries this process started queueing, and those still being written: whether a pass saw everything. */
  private queued = 0;
  private writing = 0;
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  private stopping = false;

  constructor(
    db: Db,
    private readonly bus: EventBus,
    private readonly logger: Logger,
    options: StreamOutboxOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
    this.store = new StreamOutboxStore(db, this.options.collection);
  }

  registerMetrics(registry: Registry): void {
    registry.registerMetric(this.events);
  }

  /**
   * Appends `payload` to `stream`, or queues it when the bus refuses it. Never rejects: the
   * caller's own work (the data it stored) has succeeded whatever happens to the event.
   */
  async append(stream: string, payload: unknown): Promise<void> {
    // Taken now, so that the queue keeps the order of the calls.
    const id = new ObjectId();
    if (!this.diverting) {
      try {
        await this.bus.append(stream, payload);
        return;
      } catch (err) {
        await this.queue(id, stream, payload, messageOf(err));
        return;
      }
    }
    await this.queue(id, stream, payload, null);
  }

  /** Relays every `intervalMs`, starting now. */
  start(): void {
    if (this.timer) return;
    this.stopping = false;
    // Entries left by an earlier run go first: until a pass finds the outbox empty, queue behind them.
    this.diverting = true;
    this.timer = setInterval(() => void this.runOnce(), this.options.intervalMs);
    this.timer.unref();
    void this.runOnce();
  }

  /**
   * One relay pass: appends waiting entries, oldest first, until the outbox is empty or the bus
   * refuses one (it is still down: the entry stays, and so do those after it). Resolves to the
   * number appended; errors are logged, and the next pass tries again.
   */
  runOnce(): Promise<number> {
    this.running ??= this.drain().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Stops the relay and waits for a pass in progress; what still waits stays for the next start. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** `refusal` is why the bus refused the event, or null when it was not tried (entries are waiting). */
  private async queue(_id: ObjectId, stream: string, payload: unknown, refusal: string | null): Promise<void> {
    this.diverting = true;
    this.queued++;
    this.writing++;
    const error = refusal ?? 'queued behind waiting entries (the bus was not tried)';
    try {
      await this.store.add({ _id, stream, payload: encodeEvent(payload), queuedAt: this.options.clock(), error });
      this.count(stream, 'queued');
      if (refusal !== null)
        this.logger.warn({ stream, error }, 'event bus refused a durable append: queued in the outbox');
    } catch (err) {
      // Nothing is rethrown: the caller's data is stored and its request has succeeded; failing
      // it now would only make the client retry what is already there. With the bus untried,
      // it may well take the event: late beats lost.
      if (refusal === null && (await this.appendDirectly(stream, payload))) return;
      this.count(stream, 'lost');
      this.logger.error(
        { stream, busError: error, outboxError: messageOf(err) },
        'durable event lost: neither the event bus nor the outbox took it',
      );
    } finally {
      this.writing--;
    }
  }

  private async appendDirectly(stream: string, payload: unknown): Promise<boolean> {
    try {
      await this.bus.append(stream, payload);
      this.logger.warn({ stream }, 'outbox unavailable: event appended directly, possibly ahead of older waiting ones');
      return true;
    } catch {
      return false;
    }
  }

  private async drain(): Promise<number> {
    let sent = 0;
    let emptyReads = 0;
    try {
      while (!this.stopping) {
        // Noted before the read: an entry of ours still being written, or queued after this, may be missed by it.
        const seen = this.writing === 0 ? this.queued : -1;
        const entries = await this.store.oldest(this.options.batch);
        if (entries.length === 0) {
          if (seen === this.queued) {
            this.diverting = false;
            break;
          }
          if (++emptyReads >= SETTLE_READS) break;
          continue;
        }
        emptyReads = 0;
        for (const entry of entries) {
          if (this.stopping) return sent;
          // Another relay is draining: let it, in order.
          if (!(await this.store.claim(entry._id))) return sent;
          const outcome = await this.relay(entry);
          if (outcome === 'refused') return sent;
          if (outcome === 'sent') sent++;
        }
      }
    } catch (err) {
      this.logger.error({ error: messageOf(err) }, 'outbox relay pass failed');
    } finally {
      if (sent > 0) this.logger.info({ sent }, 'outbox relay appended queued events');
    }
    return sent;
  }

  /** Appends a claimed entry; when the bus still refuses it, puts it back. */
  private async relay(entry: StreamOutboxEntry): Promise<'sent' | 'dropped' | 'refused'> {
    let payload: unknown;
    try {
      payload = decodeEvent(entry.payload);
    } catch {
      // Only a hand-edited entry gets here; putting it back would block every entry behind it.
      this.count(entry.stream, 'lost');
      this.logger.error({ stream: entry.stream, id: entry._id.toHexString() }, 'outbox entry is not JSON: dropped');
      return 'dropped';
    }
    try {
      await this.bus.append(entry.stream, payload);
      this.count(entry.stream, 'relayed');
      return 'sent';
    } catch (err) {
      this.logger.debug({ error: messageOf(err) }, 'event bus still refuses appends: the outbox waits');
    }
    try {
      await this.store.add(entry);
    } catch (err) {
      this.count(entry.stream, 'lost');
      this.logger.error(
        { stream: entry.stream, id: entry._id.toHexString(), error: messageOf(err) },
        'durable event lost: the outbox could not take back an entry the bus refused',
      );
    }
    return 'refused';
  }

  private count(stream: string, outcome: Outcome): void {
    this.events.inc({ stream, outcome });
  }
}
