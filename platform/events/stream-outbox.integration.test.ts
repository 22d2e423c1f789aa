import { MongoClient } from 'mongodb';
import { Registry } from 'prom-client';
import { capturedLogger } from '../../test/captured-logger.js';
import { useScratchDatabase } from '../../test/scratch-database.js';
import { InProcessEventBus } from './in-process.js';
import { StreamOutbox, type StreamOutboxOptions } from './stream-outbox.js';
import type { StreamOutboxEntry } from './stream-outbox.store.js';

/** A bus whose appends fail while it is "down", and that remembers what it took, in order. */
class FlakyBus extends InProcessEventBus {
  down = false;
  /** Appends to take before going down by itself (an outage that starts mid-relay). */
  upFor = Infinity;
  readonly appended: { stream: string; payload: unknown }[] = [];
  override async append<T>(stream: string, payload: T): Promise<string> {
    if (this.upFor <= 0) this.down = true;
    if (this.down) throw new Error('bus down');
    this.upFor--;
    const id = await super.append(stream, payload);
    this.appended.push({ stream, payload });
    return id;
  }
}

const buses: FlakyBus[] = [];
const db = useScratchDatabase('stream_outbox', { beforeDrop: async () => void (await closeAll()) });
let outboxes: StreamOutbox[] = [];
let collection = '';
const { lines, logger } = capturedLogger();

async function closeAll() {
  await Promise.all(outboxes.map((o) => o.stop()));
  outboxes = [];
  await Promise.all(buses.splice(0).map((b) => b.close()));
}

/** Each test gets its own collection, so counts start from nothing. */
let tests = 0;
beforeEach(() => {
  collection = `outbox_${++tests}`;
  lines.length = 0;
});
afterEach(closeAll);

function setUp(options: StreamOutboxOptions = {}, bus = new FlakyBus()) {
  buses.push(bus);
  const outbox = new StreamOutbox(db(), bus, logger, { collection, intervalMs: 60_000, ...options });
  outboxes.push(outbox);
  return { bus, outbox };
}

const waiting = () => db().collection<StreamOutboxEntry>(collection).find().sort({ _id: 1 }).toArray();
const reading = (n: number) => ({ vehicleId: 'v1', n, secret: `payload-${n}` });
const appendAll = async (outbox: StreamOutbox, from: number, to: number) => {
  for (let n = from; n <= to; n++) await outbox.append(n % 2 ? 'odd' : 'even', reading(n));
};
const numbers = (bus: FlakyBus) => bus.appended.map((a) => (a.payload as { n: number }).n);
const counted = async (outbox: StreamOutbox) => {
  const registry = new Registry();
  outbox.registerMetrics(registry);
  const metric = await registry.getSingleMetric('event_outbox_events_total')!.get();
  return Object.fromEntries(metric.values.map((v) => [`${v.labels.stream}:${v.labels.outcome}`, v.value]));
};

describe('StreamOutbox', () => {
  it('writes nothing while the bus takes appends', async () => {
    const { bus, outbox } = setUp();
    outbox.start();
    await outbox.runOnce();
    await appendAll(outbox, 1, 5);
    expect(numbers(bus)).toEqual([1, 2, 3, 4, 5]);
    expect(bus.appended[0]).toEqual({ stream: 'odd', payload: reading(1) });
    expect(await waiting()).toEqual([]);
    expect(await counted(outbox)).toEqual({});
  });

  it('keeps what the bus refuses, in order, until the bus is back; then appends it all in order and empties', async () => {
    const { bus, outbox } = setUp();
    bus.down = true;
    await appendAll(outbox, 1, 6);

    const kept = await waiting();
    expect(kept.map((e) => [e.stream, JSON.parse(e.payload)])).toEqual(
      [1, 2, 3, 4, 5, 6].map((n) => [n % 2 ? 'odd' : 'even', reading(n)]),
    );
    // Once refused, the bus is not tried again until the outbox is empty: one warning per outage.
    expect(kept.map((e) => e.error)).toEqual(['bus down', ...Array(5).fill(expect.stringMatching(/queued behind/))]);
    expect(kept[0].queuedAt).toEqual(expect.any(Date));
    expect(bus.appended).toEqual([]);
    const warnings = lines.filter((l) => l.includes('queued in the outbox'));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0])).toMatchObject({ level: 'warn', stream: 'odd', error: 'bus down' });
    expect(lines.join('')).not.toContain('payload-');

    // Still down: the relay sends nothing and keeps every entry where it was.
    expect(await outbox.runOnce()).toBe(0);
    expect(await waiting()).toEqual(kept);

    bus.down = false;
    expect(await outbox.runOnce()).toBe(6);
    expect(numbers(bus)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(bus.appended.map((a) => a.stream)).toEqual(['odd', 'even', 'odd', 'even', 'odd', 'even']);
    expect(await waiting()).toEqual([]);
    expect(await counted(outbox)).toEqual({ 'odd:queued': 3, 'even:queued': 3, 'odd:relayed': 3, 'even:relayed': 3 });
  });

  it('stops a pass at the first refusal and keeps the rest in order, the refused entry first', async () => {
    const { bus, outbox } = setUp({ batch: 2 });
    bus.down = true;
    await appendAll(outbox, 1, 5);
    bus.down = false;
    bus.upFor = 3;
    expect(await outbox.runOnce()).toBe(3);
    expect((await waiting()).map((e) => JSON.parse(e.payload).n)).toEqual([4, 5]);
    bus.upFor = Infinity;
    bus.down = false;
    expect(await outbox.runOnce()).toBe(2);
    expect(numbers(bus)).toEqual([1, 2, 3, 4, 5]);
  });

  it('queues new events behind waiting ones even once the bus is back, and appends directly again after the outbox empties', async () => {
    const { bus, outbox } = setUp();
    bus.down = true;
    await appendAll(outbox, 1, 2);
    bus.down = false;
    await appendAll(outbox, 3, 4);
    expect(bus.appended).toEqual([]);
    expect((await waiting()).map((e) => e.error)).toEqual([
      'bus down',
      ...Array(3).fill(expect.stringMatching(/queued behind/)),
    ]);

    expect(await outbox.runOnce()).toBe(4);
    await appendAll(outbox, 5, 6);
    expect(numbers(bus)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await waiting()).toEqual([]);
  });

  it('relays what an earlier run left as soon as it starts, and queues behind it meanwhile', async () => {
    const earlier = setUp();
    earlier.bus.down = true;
    await appendAll(earlier.outbox, 1, 3);

    const { bus, outbox } = setUp();
    outbox.start();
    await appendAll(outbox, 4, 4);
    await outbox.runOnce();
    await outbox.runOnce();
    expect(numbers(bus)).toEqual([1, 2, 3, 4]);
    expect(await waiting()).toEqual([]);
  });

  it('appends each entry once when two relays (two instances) drain the same outbox at the same time', async () => {
    const first = setUp({ batch: 3 });
    first.bus.down = true;
    await appendAll(first.outbox, 1, 40);
    first.bus.down = false;
    const second = setUp({ batch: 3 });

    const passes = await Promise.all([first.outbox.runOnce(), second.outbox.runOnce()]);
    // A relay that finds an entry taken leaves the rest of its pass to the other; later passes finish.
    let total = passes[0] + passes[1];
    while ((await waiting()).length > 0) total += (await first.outbox.runOnce()) + (await second.outbox.runOnce());

    expect(total).toBe(40);
    const all = [...numbers(first.bus), ...numbers(second.bus)];
    expect(all.sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  it('never rejects when the database refuses the entry too: logs the loss, without the payload', async () => {
    const unreachable = new MongoClient('mongodb://127.0.0.1:1', { serverSelectionTimeoutMS: 200 });
    const bus = new FlakyBus();
    buses.push(bus);
    const outbox = new StreamOutbox(unreachable.db('nowhere'), bus, logger);
    try {
      bus.down = true;
      await expect(outbox.append('odd', reading(1))).resolves.toBeUndefined();
      const errors = lines.filter((l) => l.includes('durable event lost'));
      expect(errors).toHaveLength(1);
      expect(JSON.parse(errors[0])).toMatchObject({ level: 'error', stream: 'odd', busError: 'bus down' });
      expect(errors[0]).not.toContain('payload-');
      expect(await counted(outbox)).toEqual({ 'odd:lost': 1 });
    } finally {
      await unreachable.close();
    }
  });
});
