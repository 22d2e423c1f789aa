import bcryptjs from 'bcryptjs';
import { defaultHashConcurrency, PasswordHasher } from './password-hasher.js';

const hasher = (concurrency: number, queue: number) => new PasswordHasher({ rounds: 4, concurrency, queue });

describe('PasswordHasher', () => {
  it('verifies the $2a$ and $2b$ hashes bcryptjs wrote, and writes hashes bcryptjs verifies', async () => {
    const h = hasher(2, 4);
    const password = 'correct-horse-battery ünïcødé';
    const b = bcryptjs.hashSync(password, 4);
    const a = b.replace(/^\$2b\$/, '$2a$');
    expect(b.startsWith('$2b$04$')).toBe(true);
    for (const stored of [a, b]) {
      expect(await h.admit().verify(password, stored)).toBe(true);
      expect(await h.admit().verify(`${password}!`, stored)).toBe(false);
    }
    const written = await h.admit().hash(password);
    expect(bcryptjs.compareSync(password, written)).toBe(true);
    expect(await h.admit().verify('garbage', 'not a bcrypt hash')).toBe(false);
  });

  it('runs at most `concurrency` hashes at once, and refuses beyond the queue with RATE_LIMITED', async () => {
    const h = hasher(1, 2);
    const permits = [h.admit(), h.admit(), h.admit()];
    let refusal: unknown;
    try {
      h.admit();
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toMatchObject({ extensions: { code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) } });
    expect((refusal as { extensions: { retryAfterSeconds: number } }).extensions.retryAfterSeconds).toBeGreaterThan(0);
    expect(h.stats).toEqual({ running: 0, waiting: 3, refused: 1 });

    const hashes = permits.slice(0, 2).map((p) => p.hash('a-long-enough-password'));
    expect(h.stats).toMatchObject({ running: 1, waiting: 2 });
    permits[2]!.release();
    permits[2]!.release(); // twice is once
    expect(h.stats).toMatchObject({ running: 1, waiting: 1 });
    await Promise.all(hashes);
    expect(h.stats).toEqual({ running: 0, waiting: 0, refused: 1 });
    // Capacity is back: a permit is used once.
    const permit = h.admit();
    await permit.hash('x');
    await expect(permit.hash('y')).rejects.toThrow('once');
  });

  it('refuses a hash that would wait longer than maxWaitMs at the recent pace, however short the queue', () => {
    // Until a hash has been timed, one is assumed to take 250 ms.
    const h = new PasswordHasher({ rounds: 4, concurrency: 1, queue: 100, maxWaitMs: 400 });
    const first = h.admit();
    const second = h.admit(); // waits for one hash: 250 ms
    let refusal: unknown;
    try {
      h.admit();
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toMatchObject({ extensions: { code: 'RATE_LIMITED', retryAfterSeconds: 1 } });
    expect(h.stats.refused).toBe(1);
    first.release();
    second.release();
    expect(() => h.admit().release()).not.toThrow();
  });

  it('checks an unknown email against a hash of the same cost, and always says no', async () => {
    const h = hasher(1, 1);
    expect(await h.verifyUnknown(h.admit(), 'clutch-no-such-user')).toBe(false);
    expect(h.stats).toMatchObject({ running: 0, waiting: 0 });
  });

  it('by default leaves a core to the event loop and a libuv thread to file and DNS work', () => {
    expect(defaultHashConcurrency(2, 4)).toBe(1);
    expect(defaultHashConcurrency(1, 4)).toBe(1);
    expect(defaultHashConcurrency(3, 4)).toBe(2);
    expect(defaultHashConcurrency(16, 4)).toBe(3);
    expect(defaultHashConcurrency(16, 9)).toBe(8);
  });
});
