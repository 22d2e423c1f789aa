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
