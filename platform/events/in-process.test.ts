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
