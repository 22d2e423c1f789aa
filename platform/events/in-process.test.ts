import { waitFor } from '../../test/wait-for.js';
import { InMemoryBroker } from './in-memory-broker.js';
import { InProcessEventBus } from './in-process.js';

describe('InProcessEventBus', () => {
  it('delivers to every subscriber of a topic and to no other topic', async () => {
    const bus = new InProcessEventBus();
    const a: number[] = [];
    const b: number[] = [];
    const other: number[] = [];
    bus.subscribe<number>('t', (n) => void a.push(n));
    bus.subscribe<number>('t', (n) => void b.push(n));
    bus.subscribe<number>('u', (n) => void other.push(n));
    await bus.publish('t', 1);
    await bus.publish('t', 2);
    expect(a).toEqual([1, 2]);
    expect(b).toEqual([1, 2]);
    expect(other).toEqual([]);
  });

  it('copies an event only for a topic somebody listens to', async () => {
    const bus = new InProcessEventBus();
    let serialised = 0;
    const payload = { toJSON: () => (serialised++, { n: 1 }) };
    await bus.publish('nobody', payload);
    expect(serialised).toBe(0);
    const got: unknown[] = [];
    bus.subscribe('somebody', (p) => void got.push(p));
    await bus.publish('somebody', payload);
    expect(serialised).toBe(1);
    expect(got).toEqual([{ n: 1 }]);
  });

  it('keeps delivering when one handler throws, and stops after unsubscribe', async () => {
    const bus = new InProcessEventBus();
    const got: string[] = [];
    bus.subscribe('t', () => {
      throw new Error('boom');
    });
    const off = bus.subscribe<string>('t', (s) => void got.push(s));
    await bus.publish('t', 'x');
    off();
    await bus.publish('t', 'y');
    expect(got).toEqual(['x']);
  });
});

describe('InMemoryBroker streams', () => {
  it('keeps about maxLen events per stream: a group behind the trim point skips what was dropped', async () => {
    const broker = new InMemoryBroker({ maxLen: 10 });
    const bus = new InProcessEventBus(undefined, { broker });
    for (let i = 0; i < 100; i += 1) await bus.append('s', i);
    const got: number[] = [];
    bus.consume<number>('s', 'g', 'c', (e) => void got.push(e.payload), { blockMs: 20 });
    await waitFor(() => got.at(-1) === 99, 'the newest event');
    expect(got.length).toBeGreaterThanOrEqual(10);
    expect(got.length).toBeLessThanOrEqual(11);
    expect(got).toEqual(Array.from({ length: got.length }, (_, i) => 100 - got.length + i));
    await bus.close();
  });

  it('keeps streams apart between brokers, and shares them between buses of one broker', async () => {
    const broker = new InMemoryBroker();
    const [a, b, elsewhere] = [
      new InProcessEventBus(undefined, { broker }),
      new InProcessEventBus(undefined, { broker }),
      new InProcessEventBus(),
    ];
    const fromB: number[] = [];
    const fromElsewhere: number[] = [];
    b.consume<number>('s', 'g', 'c', (e) => void fromB.push(e.payload), { blockMs: 20 });
    elsewhere.consume<number>('s', 'g', 'c', (e) => void fromElsewhere.push(e.payload), { blockMs: 20 });
    await a.append('s', 1);
    await elsewhere.append('s', 2);
    await waitFor(() => fromB.length === 1 && fromElsewhere.length === 1, 'both events');
    expect(fromB).toEqual([1]);
    expect(fromElsewhere).toEqual([2]);
    await Promise.all([a, b, elsewhere].map((bus) => bus.close()));
  });
});

describe('InMemoryBroker memory', () => {
  const event = (i: number) => `${String(i).padStart(4, '0')}${'x'.repeat(96)}`; // 100 characters

  it('drops events every group has acknowledged past consumedBudget, never one still unread or pending', async () => {
    const broker = new InMemoryBroker({ consumedBudget: 1_000 });
    const reader = broker.reader('s', 'g');
    await reader.ensureGroup('start');
    for (let i = 0; i < 50; i += 1) broker.append('s', event(i));
    // 5,000 characters, none of them read: all kept.
    const read = await reader.readNew(100, 0);
    expect(read).toHaveLength(50);
    await reader.ack(read.slice(0, 40).map((e) => e.id));
    broker.append('s', event(50));
    // The 40 acknowledged went; the 10 pending and the new one stayed.
    const late = broker.reader('s', 'late');
    await late.ensureGroup('start');
    expect((await late.readNew(100, 0)).map((e) => e.data.slice(0, 4))).toEqual(
      Array.from({ length: 11 }, (_, i) => String(40 + i).padStart(4, '0')),
    );
    // The pending ones can still be claimed again.
    expect(await reader.claimIdle(0, 100)).toHaveLength(10);
  });

  it('keeps consumed events within the budget', async () => {
    const broker = new InMemoryBroker({ consumedBudget: 1_000 });
    const reader = broker.reader('s', 'g');
    await reader.ensureGroup('start');
    for (let i = 0; i < 200; i += 1) {
      broker.append('s', event(i));
      await reader.ack((await reader.readNew(10, 0)).map((e) => e.id));
    }
    const late = broker.reader('s', 'late');
    await late.ensureGroup('start');
    const kept = await late.readNew(1_000, 0);
    expect(kept.length).toBeGreaterThanOrEqual(10);
    expect(kept.length).toBeLessThanOrEqual(11);
    expect(kept.at(-1)?.data).toBe(event(199));
  });
});
