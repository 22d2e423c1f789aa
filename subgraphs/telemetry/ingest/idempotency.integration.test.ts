import { useScratchDatabase } from '../../../test/scratch-database.js';
import { fingerprint, Idempotency } from './idempotency.js';
import { IdempotencyStore } from './idempotency.store.js';

const db = useScratchDatabase('idem');
let store: IdempotencyStore;
beforeAll(async () => {
  store = new IdempotencyStore(db());
  await store.init();
});

const T0 = new Date('2025-03-01T10:00:00Z');
const later = (s: number) => new Date(T0.getTime() + s * 1000);

describe('Idempotency: the server time of an upload that names none, pinned to its key (real database)', () => {
  it('gives every try of a key the first try’s time, when tries race too', async () => {
    const idempotency = new Idempotency(store);
    const print = fingerprint({ frames: ['x'] });
    const times = await Promise.all([
      idempotency.pinTime('v1', 'k1', print, T0),
      idempotency.pinTime('v1', 'k1', print, later(1)),
    ]);
    expect(new Set(times.map((t) => t.getTime())).size).toBe(1);
    expect(await idempotency.pinTime('v1', 'k1', print, later(60))).toEqual(times[0]);
  });

  it('scopes keys to a vehicle', async () => {
    const idempotency = new Idempotency(store);
    expect(await idempotency.pinTime('v2', 'k1', fingerprint({ frames: ['x'] }), later(5))).toEqual(later(5));
  });

  it('refuses a key reused for a different upload with CONFLICT', async () => {
    const idempotency = new Idempotency(store);
    await expect(idempotency.pinTime('v1', 'k1', fingerprint({ frames: ['y'] }), later(2))).rejects.toMatchObject({
      extensions: { code: 'CONFLICT' },
    });
  });

  it('forgets keys older than the window', async () => {
    expect(await store.deleteOlderThan(new Date(Date.now() + 1000))).toBeGreaterThan(0);
    const idempotency = new Idempotency(store);
    expect(await idempotency.pinTime('v1', 'k1', fingerprint({ frames: ['y'] }), later(9))).toEqual(later(9));
  });
});
