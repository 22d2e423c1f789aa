import { busWorlds, type BusWorld } from '../../test/bus-worlds.js';
import { waitFor } from '../../test/wait-for.js';
import { deadLetterStream, type DeadLetter, type StreamEvent } from './bus.js';

/** The contract both implementations keep. A world is one broker; each bus stands for one process. */
const implementations = busWorlds();

/** Small timeouts keep the tests fast; claims come back within a fraction of a second. */
const FAST = { blockMs: 50, claimIdleMs: 200, stopTimeoutMs: 200 };

describe.each(implementations)('%s event bus', (_name, makeWorld) => {
  let world: BusWorld;
  const openBus = () => world.newBus();

  beforeEach(() => {
    world = makeWorld();
  });
  afterEach(() => world.close());

  describe('live topics', () => {
    it('fans out to every subscriber of a topic, on every bus instance, and to no other topic', async () => {
      const [a, b] = [openBus(), openBus()];
      const got: Record<string, number[]> = { a1: [], a2: [], b1: [], other: [] };
      const subscriptions = [
        a.subscribe<number>('t', (n) => void got.a1.push(n)),
        a.subscribe<number>('t', (n) => void got.a2.push(n)),
        b.subscribe<number>('t', (n) => void got.b1.push(n)),
        b.subscribe<number>('u', (n) => void got.other.push(n)),
      ];
      await Promise.all(subscriptions.map((s) => s.ready));

      await a.publish('t', 1);
      await a.publish('t', 2);
      await b.publish('u', 3);

      await waitFor(
        () => got.a1.length + got.a2.length + got.b1.length === 6 && got.other.length === 1,
        'every delivery',
      );
      expect(got).toEqual({ a1: [1, 2], a2: [1, 2], b1: [1, 2], other: [3] });
    });

    it('stops delivering after unsubscribe, and a topic can be subscribed again', async () => {
      const bus = openBus();
      const stayed: string[] = [];
      const left: string[] = [];
      const stay = bus.subscribe<string>('t', (s) => void stayed.push(s));
      const leave = bus.subscribe<string>('t', (s) => void left.push(s));
      await Promise.all([stay.ready, leave.ready]);
      await bus.publish('t', 'x');
      await waitFor(() => stayed.length === 1 && left.length === 1, 'the first event');

      leave();
      await bus.publish('t', 'y');
      await waitFor(() => stayed.length === 2, 'the second event');
      expect(left).toEqual(['x']);

      // The last subscriber leaving and a new one arriving: the topic must still work.
      stay();
      const again: string[] = [];
      const back = bus.subscribe<string>('t', (s) => void again.push(s));
      await back.ready;
      await bus.publish('t', 'z');
      await waitFor(() => again.length === 1, 'the event after resubscribing');
      expect(again).toEqual(['z']);
      expect(stayed).toEqual(['x', 'y']);
    });

    it('keeps delivering to the others when a handler throws or rejects', async () => {
      const bus = openBus();
      const got: string[] = [];
      const subscriptions = [
        bus.subscribe('t', () => {
          throw new Error('boom');
        }),
        bus.subscribe('t', async () => {
          throw new Error('async boom');
        }),
        bus.subscribe<string>('t', (s) => void got.push(s)),
      ];
      await Promise.all(subscriptions.map((s) => s.ready));
      await bus.publish('t', 'x');
      await bus.publish('t', 'y');
      await waitFor(() => got.length === 2, 'both events');
      expect(got).toEqual(['x', 'y']);
    });

    it('delivers payloads as JSON: dates become ISO strings, undefined fields disappear', async () => {
      const [a, b] = [openBus(), openBus()];
      const got: unknown[] = [];
      const sub = b.subscribe('t', (p) => void got.push(p));
      await sub.ready;
      const at = new Date('2024-05-01T10:00:00.000Z');
      await a.publish('t', { at, nested: { list: [1, 'two', null] }, gone: undefined });
      await waitFor(() => got.length === 1, 'the event');
      expect(got[0]).toEqual({ at: '2024-05-01T10:00:00.000Z', nested: { list: [1, 'two', null] } });
      await expect(a.publish('t', undefined)).rejects.toThrow(TypeError);
    });
  });

  describe('durable streams', () => {
    it('gives each event to exactly one consumer of a group, and every event to each group', async () => {
      const producer = openBus();
      const ids: string[] = [];
      for (let i = 0; i < 20; i += 1) ids.push(await producer.append('s', { i }));
      expect([...ids].sort(compareIds)).toEqual(ids);

      const seen: Record<string, string[]> = { one: [], two: [] };
      for (const [bus, group, name] of [
        [openBus(), 'one', 'c1'],
        [openBus(), 'one', 'c2'],
        [openBus(), 'two', 'c1'],
      ] as const) {
        // Long visibility timeout: nothing here fails, so nothing may be delivered twice.
        bus.consume('s', group, name, (e) => void seen[group].push(e.id), {
          ...FAST,
          batchSize: 3,
          claimIdleMs: 30_000,
        });
      }

      await waitFor(() => seen.one.length >= 20 && seen.two.length >= 20, 'every event in both groups');
      expect([...seen.one].sort(compareIds)).toEqual(ids);
      expect(seen.two).toEqual(ids);
    });

    it('with an orderKey, handles each key in stream order and different keys at the same time', async () => {
      const bus = openBus();
      const keys = ['a', 'b', 'c', 'd'];
      for (let i = 0; i < 40; i += 1) await bus.append('s', { key: keys[i % 4], i });
      const seen: Record<string, number[]> = { a: [], b: [], c: [], d: [] };
      let running = 0;
      let mostAtOnce = 0;
      bus.consume<{ key: string; i: number }>(
        's',
        'g',
        'c',
        async (e) => {
          mostAtOnce = Math.max(mostAtOnce, ++running);
          // Later events of a key finish sooner: only the consumer's ordering keeps them in order.
          await new Promise((resolve) => setTimeout(resolve, 20 - e.payload.i / 2));
          seen[e.payload.key].push(e.payload.i);
          running--;
        },
        { ...FAST, batchSize: 40, claimIdleMs: 30_000, orderKey: (p) => (p as { key: string }).key, concurrency: 4 },
      );
      await waitFor(() => Object.values(seen).every((list) => list.length === 10), 'every event');
      for (const [n, key] of keys.entries()) expect(seen[key]).toEqual(Array.from({ length: 10 }, (_, j) => n + 4 * j));
      expect(mostAtOnce).toBe(4);
    });

    it("with an orderKey, a failure holds back the rest of its key's events in the batch, not other keys", async () => {
      const bus = openBus();
      for (const [key, i] of [
        ['a', 1],
        ['b', 1],
        ['a', 2],
        ['b', 2],
      ] as const)
        await bus.append('s', { key, i });
      const handled: string[] = [];
      let failed = false;
      bus.consume<{ key: string; i: number }>(
        's',
        'g',
        'c',
        (e) => {
          const name = `${e.payload.key}${e.payload.i}`;
          if (name === 'a1' && !failed) {
            failed = true;
            throw new Error('transient');
          }
          handled.push(name);
        },
        { ...FAST, batchSize: 10, orderKey: (p) => (p as { key: string }).key },
      );
      await waitFor(() => handled.length === 4, 'all four handled');
      // b went on; a2 waited for a1, which came back after the visibility timeout.
      expect(handled.slice(0, 2)).toEqual(['b1', 'b2']);
      expect(handled.indexOf('a1')).toBeLessThan(handled.indexOf('a2'));
    });

    it("with a keyBatchHandler, hands each key's events of a batch over together, in order, and acknowledges them all", async () => {
      const bus = openBus();
      for (let i = 0; i < 12; i += 1) await bus.append('s', { key: i % 3 === 0 ? 'a' : 'b', i });
      const calls: { key: string; ids: number[] }[] = [];
      const single: number[] = [];
      bus.consume<{ key: string; i: number }>('s', 'g', 'c', (e) => void single.push(e.payload.i), {
        ...FAST,
        batchSize: 12,
        orderKey: (p) => (p as { key: string }).key,
        keyBatchHandler: async (events) => {
          calls.push({ key: events[0].payload.key, ids: events.map((e) => e.payload.i) });
        },
      });
      await waitFor(() => calls.length === 2, 'one call per key');
      expect(calls).toEqual(
        expect.arrayContaining([
          { key: 'a', ids: [0, 3, 6, 9] },
          { key: 'b', ids: [1, 2, 4, 5, 7, 8, 10, 11] },
        ]),
      );
      expect(single).toEqual([]);
      // Acknowledged: nothing comes back after the visibility timeout.
      await new Promise((resolve) => setTimeout(resolve, FAST.claimIdleMs * 2));
      expect(calls).toHaveLength(2);
    });

    it("with a keyBatchHandler that throws, every event of that key comes back, other keys' are acknowledged", async () => {
      const bus = openBus();
      for (const [key, i] of [
        ['a', 1],
        ['b', 1],
        ['a', 2],
      ] as const)
        await bus.append('s', { key, i });
      const calls: string[][] = [];
      let failed = false;
      bus.consume<{ key: string; i: number }>('s', 'g', 'c', () => undefined, {
        ...FAST,
        batchSize: 10,
        orderKey: (p) => (p as { key: string }).key,
        keyBatchHandler: async (events) => {
          const names = events.map((e) => `${e.payload.key}${e.payload.i}`);
          calls.push(names);
          if (names[0] === 'a1' && !failed) {
            failed = true;
            throw new Error('transient');
          }
        },
      });
      await waitFor(() => calls.length === 3, 'a failed, b, then a again');
      await new Promise((resolve) => setTimeout(resolve, FAST.claimIdleMs * 2));
      expect(calls.filter((c) => c[0] === 'b1')).toEqual([['b1']]);
      expect(calls.filter((c) => c[0] === 'a1')).toEqual([
        ['a1', 'a2'],
        ['a1', 'a2'],
      ]);
    });

    it('passes the id, the stream and the decoded payload to the handler', async () => {
      const bus = openBus();
      const at = new Date('2024-05-01T10:00:00.000Z');
      const id = await bus.append('s', { at, n: 1 });
      const got: StreamEvent<unknown>[] = [];
      bus.consume('s', 'g', 'c', (e) => void got.push(e), FAST);
      await waitFor(() => got.length === 1, 'the event');
      expect(got[0]).toEqual({ id, stream: 's', payload: { at: '2024-05-01T10:00:00.000Z', n: 1 }, deliveryCount: 1 });
      await expect(bus.append('s', undefined)).rejects.toThrow(TypeError);
    });

    it('delivers again an event whose handler threw, and acknowledges it once it succeeds', async () => {
      const bus = openBus();
      const ids = [await bus.append('s', 'a'), await bus.append('s', 'b'), await bus.append('s', 'c')];
      const deliveries: [string, number][] = [];
      const done: string[] = [];
      bus.consume<string>(
        's',
        'g',
        'c',
        (e) => {
          deliveries.push([e.payload, e.deliveryCount]);
          if (e.payload === 'b' && e.deliveryCount === 1) throw new Error('transient');
          done.push(e.id);
        },
        FAST,
      );
      await waitFor(() => done.length === 3, 'all three handled');
      expect([...done].sort(compareIds)).toEqual(ids);
      expect(deliveries.filter(([p]) => p === 'b')).toEqual([
        ['b', 1],
        ['b', 2],
      ]);
    });

    it('moves an event that keeps failing to the dead-letter stream and carries on', async () => {
      const bus = openBus();
      const poison = await bus.append('s', 'poison');
      await bus.append('s', 'fine');
      const done: string[] = [];
      bus.consume<string>(
        's',
        'g',
        'c',
        (e) => {
          if (e.payload === 'poison') throw new Error('always');
          done.push(e.payload);
        },
        { ...FAST, maxDeliveries: 2 },
      );
      const dead: DeadLetter[] = [];
      bus.consume<DeadLetter>(deadLetterStream('s'), 'ops', 'c', (e) => void dead.push(e.payload), FAST);
      await waitFor(() => dead.length === 1, 'the dead letter');
      expect(done).toEqual(['fine']);
      expect(dead[0]).toEqual({
        stream: 's',
        group: 'g',
        id: poison,
        deliveryCount: 3,
        reason: 'max-deliveries',
        data: '"poison"',
      });
    });

    it('lets another consumer claim the events of a consumer that hangs or died', async () => {
      const [a, b] = [openBus(), openBus()];
      const ids = [await a.append('s', 1), await a.append('s', 2), await a.append('s', 3)];
      // The first consumer takes the whole batch, then never finishes its first event:
      // to the broker that is a dead process holding three un-acknowledged events.
      const hung: string[] = [];
      a.consume(
        's',
        'g',
        'dies',
        (e) => {
          hung.push(e.id);
          return new Promise(() => undefined);
        },
        { ...FAST, batchSize: 10 },
      );
      await waitFor(() => hung.length === 1, 'the first consumer to take the events');

      const claimed: StreamEvent<number>[] = [];
      b.consume<number>('s', 'g', 'survives', (e) => void claimed.push(e), FAST);
      await waitFor(() => claimed.length === 3, 'the survivor to claim all three');
      expect(claimed.map((e) => e.id).sort(compareIds)).toEqual(ids);
      expect(claimed.every((e) => e.deliveryCount === 2)).toBe(true);
      expect(hung).toEqual([ids[0]]);
    });

    it('resumes after a restart from where the group was, losing nothing', async () => {
      const producer = openBus();
      const first = openBus();
      const e1 = await producer.append('s', 1);
      const e2 = await producer.append('s', 2);
      const e3 = await producer.append('s', 3);
      const handledBefore: string[] = [];
      first.consume<number>(
        's',
        'g',
        'worker',
        (e) => {
          if (e.payload === 3) return new Promise(() => undefined); // crashes while handling 3
          handledBefore.push(e.id);
        },
        FAST,
      );
      await waitFor(() => handledBefore.length === 2, 'the first two events');
      await first.close();

      const e4 = await producer.append('s', 4);
      const afterRestart: string[] = [];
      const restarted = openBus();
      restarted.consume('s', 'g', 'worker', (e) => void afterRestart.push(e.id), FAST);
      await waitFor(() => afterRestart.length === 2, 'the unfinished and the new event');
      // Had the group lost its position, 1 and 2 would come before this one.
      const e5 = await producer.append('s', 5);
      await waitFor(() => afterRestart.includes(e5), 'the event after the restart');

      expect(handledBefore).toEqual([e1, e2]);
      expect([...afterRestart].sort(compareIds)).toEqual([e3, e4, e5]);
    });

    it('starts a new group at the end of the stream when asked, and at its start by default', async () => {
      const bus = openBus();
      const old = await bus.append('s', 'old');
      const fromEnd: string[] = [];
      const fromStart: string[] = [];
      const late = bus.consume<string>('s', 'late', 'c', (e) => void fromEnd.push(e.payload), { ...FAST, from: 'end' });
      const all = bus.consume<string>('s', 'all', 'c', (e) => void fromStart.push(e.id), FAST);
      await Promise.all([late.ready, all.ready]);
      const fresh = await bus.append('s', 'new');
      await waitFor(() => fromEnd.length === 1 && fromStart.length === 2, 'the events');
      expect(fromEnd).toEqual(['new']);
      expect(fromStart).toEqual([old, fresh]);
    });

    it('stops a consumer after its running handler finishes and acknowledges what it handled', async () => {
      const bus = openBus();
      const id = await bus.append('s', 'slow');
      let release: () => void = () => undefined;
      const started: string[] = [];
      const finished: string[] = [];
      const consumer = bus.consume(
        's',
        'g',
        'c',
        async (e) => {
          started.push(e.id);
          await new Promise<void>((resolve) => (release = resolve));
          finished.push(e.id);
        },
        { ...FAST, stopTimeoutMs: 10_000 },
      );
      await waitFor(() => started.length === 1, 'the handler to start');
      const stopped = consumer.stop();
      release();
      await stopped;
      expect(finished).toEqual([id]);

      // Acknowledged: a successor that claims anything pending at once gets only what came after.
      const next = await bus.append('s', 'next');
      const successor: string[] = [];
      bus.consume('s', 'g', 'c2', (e) => void successor.push(e.id), { ...FAST, claimIdleMs: 1 });
      await waitFor(() => successor.length === 1, 'the next event');
      expect(successor).toEqual([next]);
    });

    it('refuses work once closed', async () => {
      const bus = openBus();
      await bus.close();
      await expect(bus.append('s', 1)).rejects.toThrow('closed');
      await expect(bus.publish('t', 1)).rejects.toThrow('closed');
      expect(() => bus.subscribe('t', () => undefined)).toThrow('closed');
      expect(() => bus.consume('s', 'g', 'c', () => undefined)).toThrow('closed');
    });
  });
});

function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(BigInt);
  const [bm, bs] = b.split('-').map(BigInt);
  return am === bm ? Number(as - bs) : am < bm ? -1 : 1;
}
