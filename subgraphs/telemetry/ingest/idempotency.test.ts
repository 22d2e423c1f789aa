import { useScratchDatabase } from '../../../test/scratch-database.js';
import { fingerprint, Idempotency } from './idempotency.js';
import { IdempotencyStore } from './idempotency.store.js';

const db = useScratchDatabase('idem');
let store: IdempotencyStore;
beforeAll(async () => {
  store = new IdempotencyStore(db());
  await store.init();
});

describe('Idempotency (real database)', () => {
  it('runs the work once when two uploads with one key race, and gives both the same result', async () => {
    const idempotency = new Idempotency(store, { pollMs: 5 });
    let runs = 0;
    const work = async () => {
      runs += 1;
      await new Promise((resolve) => setTimeout(resolve, 30));
      return { stored: 7 };
    };
    const [a, b] = await Promise.all([
      idempotency.run('v1', 'k1', { frames: ['x'] }, work),
      idempotency.run('v1', 'k1', { frames: ['x'] }, work),
    ]);
    expect(runs).toBe(1);
    expect([a.duplicate, b.duplicate].sort()).toEqual([false, true]);
    expect(a.value).toEqual({ stored: 7 });
    expect(b.value).toEqual({ stored: 7 });
    // And a later retry still gets the stored result.
    expect(await idempotency.run('v1', 'k1', { frames: ['x'] }, work)).toEqual({
      value: { stored: 7 },
      duplicate: true,
    });
    expect(runs).toBe(1);
  });

  it('scopes keys to a vehicle', async () => {
    const idempotency = new Idempotency(store);
    expect((await idempotency.run('v2', 'k1', { frames: ['x'] }, async () => ({ stored: 1 }))).duplicate).toBe(false);
  });

  it('refuses a key reused for a different upload with CONFLICT', async () => {
    const idempotency = new Idempotency(store);
    await expect(idempotency.run('v1', 'k1', { frames: ['y'] }, async () => ({ stored: 0 }))).rejects.toMatchObject({
      extensions: { code: 'CONFLICT' },
    });
  });

  it('gives the key back when the work fails, so the retry runs it', async () => {
    const idempotency = new Idempotency(store);
    await expect(
      idempotency.run('v1', 'k2', {}, async () => {
        throw new Error('database went away');
      }),
    ).rejects.toThrow('database went away');
    expect(await idempotency.run('v1', 'k2', {}, async () => ({ stored: 3 }))).toEqual({
      value: { stored: 3 },
      duplicate: false,
    });
  });

  it('answers CONFLICT while the first upload is still running, and releases a stale claim', async () => {
    let now = new Date('2025-03-01T10:00:00Z');
    const idempotency = new Idempotency(store, { waitMs: 30, pollMs: 5, staleMs: 60_000 }, () => now);
    await store.insertClaim('v3', 'k', fingerprint({}), now);
    await expect(idempotency.run('v3', 'k', {}, async () => ({ stored: 1 }))).rejects.toMatchObject({
      extensions: { code: 'CONFLICT' },
    });
    now = new Date(now.getTime() + 61_000);
    expect(await idempotency.run('v3', 'k', {}, async () => ({ stored: 1 }))).toEqual({
      value: { stored: 1 },
      duplicate: false,
    });
  });

  it('forgets keys older than the window', async () => {
    expect(await store.deleteOlderThan(new Date(Date.now() + 1000))).toBeGreaterThan(0);
    expect(await store.find('v1', 'k1')).toBeNull();
  });
});
