import { availableParallelism } from 'node:os';
import { hash, verify } from '@node-rs/bcrypt';
import { RateLimitedError } from '../../../platform/errors.js';

/*
 * bcrypt off the event loop: @node-rs/bcrypt runs each hash on libuv's thread pool, so a
 * password check no longer stops every other request in the process for ~250 ms (bcryptjs ran
 * on the main thread). It reads and writes the same $2a$/$2b$ hashes bcryptjs did.
 */

export interface HasherSettings {
  rounds: number;
  /** Hashes computed at once. */
  concurrency: number;
  /** Hashes waiting for a turn beyond those; more are refused with RATE_LIMITED. */
  queue: number;
  /**
   * A hash that would wait longer than this for its turn (at the hashes' recent pace) is
   * refused too, whatever the queue's length: its caller would have given up (the gateway
   * waits SUBGRAPH_TIMEOUT_MS, 10 s by default), and the hash would be wasted.
   */
  maxWaitMs?: number;
}

const DEFAULT_MAX_WAIT_MS = 5_000;

/**
 * Hashes at once by default: one per CPU but one, so that a flood of sign-ins leaves a core
 * to the event loop (bench:gateway --login-storm on 2 CPUs: `{ me }` p95 at 5x its figure
 * without the flood with both cores hashing, 1.1x with one), and at most libuv's pool but one
 * thread (4 unless UV_THREADPOOL_SIZE says otherwise), since file and DNS work share the pool.
 */
export function defaultHashConcurrency(
  cpus = availableParallelism(),
  threadPoolSize = Number(process.env.UV_THREADPOOL_SIZE) || 4,
): number {
  return Math.max(1, Math.min(cpus - 1, threadPoolSize - 1));
}

/** A place in line for one hash, taken before anything is stored; `release` gives an unused one back. */
export interface HashPermit {
  hash(password: string): Promise<string>;
  verify(password: string, passwordHash: string): Promise<boolean>;
  release(): void;
}

export interface HasherStats {
  running: number;
  /** Permits held and not yet running: waiting for a turn, or not used yet. */
  waiting: number;
  refused: number;
}

/** Compared against when the email is unknown, so that a login for a missing account costs a wrong password's time. */
const NO_SUCH_USER = 'clutch-no-such-user';

export class PasswordHasher {
  private held = 0;
  private running = 0;
  private refused = 0;
  private readonly turns: (() => void)[] = [];
  /** Smoothed duration of one hash, to tell a refused caller when to come back. */
  private averageMs = 250;
  private readonly unknownUserHash: Promise<string>;

  constructor(private readonly settings: HasherSettings) {
    // Also the first measure of what a hash costs here, before any sign-in.
    const started = performance.now();
    this.unknownUserHash = hash(NO_SUCH_USER, settings.rounds).then((result) => {
      this.averageMs = performance.now() - started;
      return result;
    });
    this.unknownUserHash.catch(() => undefined);
  }

  get stats(): HasherStats {
    return { running: this.running, waiting: this.held - this.running, refused: this.refused };
  }

  /**
   * A permit, or RATE_LIMITED at once when as many hashes are running and waiting as allowed,
   * or when this one would wait too long.
   */
  admit(): HashPermit {
    const { concurrency, queue, maxWaitMs = DEFAULT_MAX_WAIT_MS } = this.settings;
    const waitMs = Math.floor(this.held / concurrency) * this.averageMs;
    if (this.held >= concurrency + queue || waitMs > maxWaitMs) {
      this.refused += 1;
      const retryAfter = Math.max(1, Math.ceil(waitMs / 1000));
      throw new RateLimitedError(`Too many sign-ins in progress; try again in ${retryAfter} s`, retryAfter);
    }
    this.held += 1;
    let done = false;
    const release = () => {
      if (done) return;
      done = true;
      this.held -= 1;
    };
    const once = async <T>(work: () => Promise<T>): Promise<T> => {
      if (done) throw new Error('a hash permit is used once');
      try {
        return await this.run(work);
      } finally {
        release();
      }
    };
    return {
      hash: (password) => once(() => hash(password, this.settings.rounds)),
      verify: (password, passwordHash) => once(() => verify(password, passwordHash)),
      release,
    };
  }

  /** Checks against a hash that matches no password: the cost of a wrong password for an unknown email. */
  async verifyUnknown(permit: HashPermit, password: string): Promise<boolean> {
    await permit.verify(password, await this.unknownUserHash);
    return false;
  }

  /** For start-up work (the first admin), which must not be refused. */
  hashNow(password: string): Promise<string> {
    return hash(password, this.settings.rounds);
  }

  private async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.settings.concurrency) await new Promise<void>((resolve) => this.turns.push(resolve));
    else this.running += 1;
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.averageMs = this.averageMs * 0.8 + (performance.now() - started) * 0.2;
      // Hand the turn straight to the next in line, or give it back.
      const next = this.turns.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}
