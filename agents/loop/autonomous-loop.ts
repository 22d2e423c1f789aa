import { randomUUID } from 'node:crypto';
import type { Logger } from '../../platform/logger.js';
import type { Clock } from '../clock.js';
import type { IncidentDetector } from './detector.js';
import type { LeaseStore } from './lease.store.js';
import type { LoopStatusStore } from './loop-status.store.js';
import type { AutonomousTick, TickReport } from './tick.js';

/** Events arriving together (a burst of reports) wake the loop once, a moment later. */
const WAKE_DELAY_MS = 250;
/** A wake never starts a tick sooner than this after the previous one started. */
const MIN_WAKE_GAP_MS = 1000;
/** The lease check gives up after this long (at most a third of the lease): a frozen database must not stall the loop. */
const LEASE_CHECK_TIMEOUT_MS = 2000;

export interface LoopOptions {
  lease: LeaseStore;
  tick: AutonomousTick;
  status: LoopStatusStore;
  intervalMs: number;
  leaseMs: number;
  clock: Clock;
  logger: Logger;
  instanceId?: string;
  /** Evaluates the in-memory triggers while the database is unreachable, and keeps what fires. */
  detector?: Pick<
    IncidentDetector,
    'setDatabaseReachable' | 'databaseReachable' | 'check' | 'dropPending' | 'hasPending'
  >;
}

/**
 * Runs ticks on the one instance that holds the lease. A heartbeat renews (or tries to take)
 * the lease several times per lease period and starts a tick when one is due; `wake` starts
 * one early. Ticks never overlap on an instance.
 */
export class AutonomousLoop {
  readonly instanceId: string;
  private leader = false;
  private started = false;
  private stopped = false;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private wakeTimer: NodeJS.Timeout | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private ticking = false;
  private lastTickStart = 0;
  private nextTickAt = 0;
  /** Since when the database answers but another instance holds the lease. */
  private followingSince: number | null = null;

  constructor(private readonly options: LoopOptions) {
    this.instanceId = options.instanceId ?? `agents-${randomUUID().slice(0, 8)}`;
  }

  /** Starts the timers: the first heartbeat at once. */
  start(): void {
    this.started = true;
    const period = Math.max(50, Math.min(this.options.leaseMs / 3, this.options.intervalMs));
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), period);
    this.heartbeatTimer.unref();
    void this.heartbeat();
  }

  isLeader(): boolean {
    return this.leader && !this.stopped;
  }

  /** Renews or takes the lease, then ticks if this instance leads and a tick is due. */
  async heartbeat(): Promise<boolean> {
    if (this.stopped) return false;
    const leading = await this.claimLeadership();
    if (leading && !this.ticking && this.options.clock.now() >= this.nextTickAt) void this.runTick('interval');
    // Firings kept while the database was down (or a tick failed on it): recorded at once.
    else if (leading && !this.ticking && this.options.detector?.hasPending()) void this.runTick('pending firings');
    return leading;
  }

  /** Something happened (an alert, a burst): tick soon if this instance leads and runs on its own. */
  wake(reason: string): void {
    if (!this.started || this.wakeTimer) return;
    // Without the database no instance leads, but the triggers on traffic are still evaluated.
    if (this.options.detector && !this.options.detector.databaseReachable()) return;
    if (!this.isLeader()) return;
    const sinceLast = this.options.clock.now() - this.lastTickStart;
    const delay = Math.max(WAKE_DELAY_MS, MIN_WAKE_GAP_MS - sinceLast);
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = undefined;
      if (this.isLeader()) void this.runTick(`wake:${reason}`);
    }, delay);
    this.wakeTimer.unref();
  }

  /**
   * Runs a tick now and returns its report, or null when this instance does not lead (the
   * kill switch is obeyed inside the tick). For admins' "run now" and for tests.
   */
  async tickNow(reason = 'manual'): Promise<TickReport | null> {
    if (this.stopped || !(await this.claimLeadership())) return null;
    return this.runTick(reason);
  }

  /**
   * Stops ticking. `release` hands the lease over at once (a clean shutdown); without it the
   * lease simply runs out, as when a process dies.
   */
  async stop({ release = true }: { release?: boolean } = {}): Promise<void> {
    this.stopped = true;
    clearInterval(this.heartbeatTimer);
    clearTimeout(this.wakeTimer);
    await this.chain.catch(() => undefined);
    if (release && this.leader)
      await this.options.lease.release(this.instanceId, this.options.clock.now()).catch(() => undefined);
    this.leader = false;
  }

  private async claimLeadership(): Promise<boolean> {
    const { lease, clock, leaseMs, logger } = this.options;
    let leading = false;
    let reachable = true;
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        const ms = Math.min(LEASE_CHECK_TIMEOUT_MS, leaseMs / 3);
        timer = setTimeout(() => reject(new Error(`the database did not answer within ${ms} ms`)), ms);
      });
      leading = await Promise.race([lease.acquire(this.instanceId, clock.now(), leaseMs), timeout]);
    } catch (err) {
      reachable = false;
      logger.warn({ err }, 'agents: lease check failed; following until it works again');
    } finally {
      clearTimeout(timer);
    }
    const { detector } = this.options;
    if (detector) {
      detector.setDatabaseReachable(reachable, leading);
      // Without the database nobody leads: every instance keeps evaluating what it can.
      if (!reachable) {
        this.followingSince = null;
        detector.check('lease check failed');
      }
      // Another instance has led for a whole lease since the database came back: it saw the
      // same traffic and records its own. (Right after an outage the lease may still look taken.)
      else if (leading) this.followingSince = null;
      else {
        this.followingSince ??= clock.now();
        if (clock.now() - this.followingSince > leaseMs) detector.dropPending();
      }
    }
    if (leading !== this.leader)
      logger.info(
        { instance: this.instanceId },
        leading ? 'agents: now leading the loop' : 'agents: no longer leading',
      );
    this.leader = leading && !this.stopped;
    return this.leader;
  }

  private runTick(reason: string): Promise<TickReport> {
    const run = this.chain.then(async () => {
      this.ticking = true;
      const started = this.options.clock.now();
      this.lastTickStart = started;
      this.nextTickAt = started + this.options.intervalMs;
      try {
        await this.options.status.scheduleNext(new Date(this.nextTickAt));
        return await this.options.tick.run(reason);
      } finally {
        this.ticking = false;
      }
    });
    this.chain = run.catch((err: unknown) => this.options.logger.error({ err, reason }, 'agents: tick failed'));
    return run;
  }
}
