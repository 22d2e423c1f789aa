import { busIterator } from './bus-iterator.js';
import { InProcessEventBus } from './in-process.js';

describe('busIterator', () => {
  it('yields events in order and unsubscribes on return()', async () => {
    const bus = new InProcessEventBus();
    const it = busIterator<number>(bus, 't');
    const next = it.next();
    await bus.publish('t', 1);
    await bus.publish('t', 2);
    expect(await next).toEqual({ value: 1, done: false });
    expect(await it.next()).toEqual({ value: 2, done: false });
    const pending = it.next();
    await it.return!();
    expect(await pending).toEqual({ value: undefined, done: true });
    await bus.publish('t', 3);
    expect(await it.next()).toEqual({ value: undefined, done: true });
  });

  it('keeps at most maxQueue events for a reader that stalls, dropping the oldest', async () => {
    const bus = new InProcessEventBus();
    const drops: number[] = [];
    const it = busIterator<number>(bus, 't', { maxQueue: 3, onDrop: (n) => drops.push(n) });
    for (let i = 1; i <= 10; i++) await bus.publish('t', i);
    expect(drops).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const got = [];
    for (let i = 0; i < 3; i++) got.push((await it.next()).value);
    expect(got).toEqual([8, 9, 10]);
    await it.return!();
  });
});
