import { BoundedQueue } from './bounded-queue.js';

describe('BoundedQueue', () => {
  it('hands items to a waiting consumer, then ends after what is queued', async () => {
    const q = new BoundedQueue<number>();
    const first = q.next();
    q.push(1);
    q.push(2);
    q.end();
    expect(await first).toEqual({ value: 1, done: false });
    expect(await q.next()).toEqual({ value: 2, done: false });
    expect(await q.next()).toEqual({ value: undefined, done: true });
  });

  it('never holds more than maxQueue items (limit 2 here), counting what it drops', () => {
    const drops: number[] = [];
    const q = new BoundedQueue<number>({ maxQueue: 2, onDrop: (n) => drops.push(n) });
    for (let i = 0; i < 1000; i++) q.push(i);
    expect(q.length).toBe(2);
    expect(drops).toHaveLength(998);
  });

  it('rejects the next pull with the error it was ended with, and calls onClose once', async () => {
    let closes = 0;
    const q = new BoundedQueue<number>({ onClose: () => closes++ });
    q.end(new Error('upstream gone'));
    q.end();
    await expect(q.next()).rejects.toThrow('upstream gone');
    await q.return();
    expect(closes).toBe(1);
  });
});
