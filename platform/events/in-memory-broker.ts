import { EventEmitter } from 'node:events';
import type { GroupReader, StoredEvent } from './stream-consumer.js';

interface Entry {
  id: string;
  data: string;
  /** Absolute position in the stream. */
  pos: number;
}

interface Pending {
  deliveredAt: number;
  deliveryCount: number;
}

interface Group {
  /** Absolute position of the next entry never delivered to the group. */
  next: number;
  /** Delivered, not yet acknowledged; Map order is delivery order, which is id order. */
  pending: Map<string, Pending>;
}

class MemoryStream {
  private readonly entries: Entry[] = [];
  /** Absolute position of `entries[0]`: it grows as old entries are trimmed. */
  private first = 0;
  private readonly byId = new Map<string, Entry>();
  private lastMs = 0;
  private seq = 0;
  readonly groups = new Map<string, Group>();
  readonly waiters = new Set<() => void>();
  /** Characters of data held (about its bytes: events are JSON). */
  private chars = 0;

  constructor(
    private readonly maxLen: number,
    private readonly consumedBudget: number,
  ) {}

  append(data: string): string {
    // Redis's id scheme, so ids look and sort the same whichever bus made them.
    const now = Date.now();
    if (now > this.lastMs) {
      this.lastMs = now;
      this.seq = 0;
    } else {
      this.seq += 1;
    }
    const entry = { id: `${this.lastMs}-${this.seq}`, data, pos: this.end };
    this.entries.push(entry);
    this.byId.set(entry.id, entry);
    this.chars += data.length;
    // Trimmed in chunks, like Redis's approximate MAXLEN, so appends stay cheap.
    if (this.entries.length > this.maxLen + Math.ceil(this.maxLen / 10)) {
      this.trim(this.entries.length - this.maxLen);
    }
    if (this.chars > this.consumedBudget + Math.ceil(this.consumedBudget / 10)) this.trimConsumed();
    for (const wake of [...this.waiters]) wake();
    return entry.id;
  }

  /**
   * Drops the oldest events that every group has read and acknowledged, down to the budget.
   * Unlike Redis, this broker lives in the process's heap: 10,000 events of a fleet's uploads
   * (30 KB each) held 300 MB that nothing would read again. Events some group has yet to read
   * or acknowledge stay (up to maxLen); so does everything while no group reads the stream.
   */
  private trimConsumed(): void {
    if (this.groups.size === 0) return;
    let floor = this.end;
    for (const group of this.groups.values()) {
      const oldestPending = group.pending.keys().next();
      const pendingAt = oldestPending.done ? undefined : this.byId.get(oldestPending.value)?.pos;
      floor = Math.min(floor, group.next, pendingAt ?? group.next);
    }
    let count = 0;
    let chars = this.chars;
    while (count < this.entries.length && this.entries[count].pos < floor && chars > this.consumedBudget) {
      chars -= this.entries[count].data.length;
      count++;
    }
    if (count > 0) this.trim(count);
  }

  private trim(count: number): void {
    const trimmed = this.entries.splice(0, count);
    for (const old of trimmed) {
      this.byId.delete(old.id);
      this.chars -= old.data.length;
    }
    this.first += trimmed.length;
  }

  get start(): number {
    return this.first;
  }

  get end(): number {
    return this.first + this.entries.length;
  }

  get(id: string): Entry | undefined {
    return this.byId.get(id);
  }

  slice(from: number, count: number): Entry[] {
    const start = Math.max(from, this.first) - this.first;
    return this.entries.slice(start, start + count);
  }
}

export interface InMemoryBrokerOptions {
  /** Events kept per stream (roughly: trimmed in chunks); older ones are dropped unread. */
  maxLen?: number;
  /**
   * Characters of events per stream kept once every group has acknowledged them (roughly:
   * trimmed in chunks); older consumed events are dropped. 16 Mi by default.
   */
  consumedBudget?: number;
}

/**
 * What a Redis server is to Redis buses: the topics and streams. Every in-process bus has
 * one of its own unless it is given a shared one, so several bus instances in one process
 * (tests of scale-out, restarts) see the same events. Durable only for the process lifetime.
 */
export class InMemoryBroker {
  readonly live = new EventEmitter({ captureRejections: false });
  private readonly streams = new Map<string, MemoryStream>();
  private readonly maxLen: number;
  private readonly consumedBudget: number;

  constructor(options: InMemoryBrokerOptions = {}) {
    this.maxLen = options.maxLen ?? 10_000;
    this.consumedBudget = options.consumedBudget ?? 16 * 2 ** 20;
    this.live.setMaxListeners(0);
  }

  append(stream: string, data: string): string {
    return this.stream(stream).append(data);
  }

  reader(streamName: string, groupName: string): GroupReader {
    const stream = this.stream(streamName);
    let interrupted = false;
    let wake: (() => void) | undefined;
    const group = () => {
      const found = stream.groups.get(groupName);
      if (!found) throw new Error(`no group ${groupName} on stream ${streamName}`);
      return found;
    };
    const take = (count: number): StoredEvent[] => {
      const g = group();
      const entries = stream.slice(g.next, count);
      g.next = Math.max(g.next, stream.start) + entries.length;
      const deliveredAt = Date.now();
      for (const { id } of entries) g.pending.set(id, { deliveredAt, deliveryCount: 1 });
      return entries.map(({ id, data }) => ({ id, data, deliveryCount: 1 }));
    };
    return {
      async ensureGroup(from) {
        if (!stream.groups.has(groupName)) {
          stream.groups.set(groupName, { next: from === 'start' ? stream.start : stream.end, pending: new Map() });
        }
      },
      async claimIdle(minIdleMs, count) {
        const { pending } = group();
        const now = Date.now();
        const claimed: StoredEvent[] = [];
        for (const [id, entry] of pending) {
          if (claimed.length >= count) break;
          if (now - entry.deliveredAt < minIdleMs) continue;
          const stored = stream.get(id);
          if (!stored) {
            // Trimmed while pending: gone, as XAUTOCLAIM reports it.
            pending.delete(id);
            continue;
          }
          entry.deliveredAt = now;
          entry.deliveryCount += 1;
          claimed.push({ id, data: stored.data, deliveryCount: entry.deliveryCount });
        }
        return claimed;
      },
      async readNew(count, blockMs) {
        const ready = take(count);
        if (ready.length > 0 || interrupted) return ready;
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            stream.waiters.delete(done);
            resolve();
          };
          const timer = setTimeout(done, blockMs);
          stream.waiters.add(done);
          wake = done;
        });
        return interrupted ? [] : take(count);
      },
      async ack(ids) {
        const { pending } = group();
        for (const id of ids) pending.delete(id);
      },
      interrupt() {
        interrupted = true;
        wake?.();
      },
    };
  }

  private stream(name: string): MemoryStream {
    let stream = this.streams.get(name);
    if (!stream) {
      stream = new MemoryStream(this.maxLen, this.consumedBudget);
      this.streams.set(name, stream);
    }
    return stream;
  }
}
