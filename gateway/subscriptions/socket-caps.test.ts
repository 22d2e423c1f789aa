import { SocketCounts, SubscriptionSlots } from './socket-caps.js';

describe('SocketCounts', () => {
  it('refuses the (max+1)th socket of a key, and not another key', () => {
    const counts = new SocketCounts(2);
    expect(counts.tryOpen('user:a')).toBeDefined();
    expect(counts.tryOpen('user:a')).toBeDefined();
    expect(counts.tryOpen('user:a')).toBeUndefined();
    expect(counts.tryOpen('user:b')).toBeDefined();
    expect(counts.count('user:a')).toBe(2);
    expect(counts.total).toBe(3);
  });

  it('gives a place back once, however often its release is called', () => {
    const counts = new SocketCounts(2);
    const first = counts.tryOpen('ip:1.2.3.4')!;
    const second = counts.tryOpen('ip:1.2.3.4')!;
    first();
    first();
    first();
    expect(counts.count('ip:1.2.3.4')).toBe(1);
    expect(counts.tryOpen('ip:1.2.3.4')).toBeDefined();
    expect(counts.tryOpen('ip:1.2.3.4')).toBeUndefined();
    second();
    expect(counts.count('ip:1.2.3.4')).toBe(1);
  });

  it('forgets keys with nothing open, so it holds only what is open now', () => {
    const counts = new SocketCounts(5);
    const releases = Array.from({ length: 1000 }, (_, i) => counts.tryOpen(`user:${i}`)!);
    expect(counts.keys).toBe(1000);
    for (const release of releases) release();
    expect(counts.keys).toBe(0);
    expect(counts.total).toBe(0);
  });
});

describe('SubscriptionSlots', () => {
  /** Stands for graphql-ws's table of the socket's running operations. */
  const running = () => {
    const live = new Set<string>();
    return { live, isLive: (id: string) => live.has(id) };
  };

  it('admits max subscriptions and refuses the next', () => {
    const slots = new SubscriptionSlots(2);
    const { live, isLive } = running();
    for (const id of ['1', '2', '3']) live.add(id);
    expect(slots.claim('1', isLive)).toBe(true);
    expect(slots.claim('2', isLive)).toBe(true);
    expect(slots.claim('3', isLive)).toBe(false);
    expect(slots.count(isLive)).toBe(2);
  });

  it('frees the place of a subscription that ended (completed, errored or completed by the client)', () => {
    const slots = new SubscriptionSlots(2);
    const { live, isLive } = running();
    for (const id of ['1', '2']) {
      live.add(id);
      slots.claim(id, isLive);
    }
    live.delete('1');
    live.add('3');
    expect(slots.claim('3', isLive)).toBe(true);
    live.add('4');
    expect(slots.claim('4', isLive)).toBe(false);
    expect(slots.count(isLive)).toBe(2);
  });

  it('counts an id reused after its subscription ended once', () => {
    const slots = new SubscriptionSlots(2);
    const { live, isLive } = running();
    live.add('a');
    slots.claim('a', isLive);
    // The client completes "a" and subscribes again under the same id at once.
    live.delete('a');
    live.add('a');
    expect(slots.claim('a', isLive)).toBe(true);
    live.add('b');
    expect(slots.claim('b', isLive)).toBe(true);
    expect(slots.count(isLive)).toBe(2);
  });

  it('holds no place for an id a query reuses', () => {
    const slots = new SubscriptionSlots(1);
    const { live, isLive } = running();
    live.add('x');
    slots.claim('x', isLive);
    slots.forget('x');
    live.add('y');
    expect(slots.claim('y', isLive)).toBe(true);
  });

  it('counts nothing once nothing runs (a closed socket)', () => {
    const slots = new SubscriptionSlots(3);
    const { live, isLive } = running();
    for (const id of ['1', '2', '3']) {
      live.add(id);
      slots.claim(id, isLive);
    }
    live.clear();
    expect(slots.count(isLive)).toBe(0);
  });
});
