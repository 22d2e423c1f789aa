import { Counter, type Registry } from 'prom-client';
import type { Logger } from '../../../platform/logger.js';
import type { RoadsideEvents } from './roadside-events.js';
import type { RoadsideService } from './roadside.service.js';
import type { RoadsideDocument, RoadsideStore } from './roadside.store.js';

/** Requests a pass takes on at most; the next pass (soon after) takes the rest. */
const PASS_LIMIT = 50;
/** A change this old whose durable event did not go out is announced again by the sweep. */
const ANNOUNCE_GRACE_MS = 5_000;

/**
 * Moves requests on when their wave runs out, on every instance at once, safely: the database
 * says which requests are due (`dueAt`), and each move is one conditional update on the
 * request's status and wave (RoadsideService.advance), so when two instances act on the same
 * wave one update wins and the other matches nothing. Nothing depends on the instance that
 * offered a wave staying alive: a periodic pass finds every due request. The in-memory timer
 * (`schedule`) only makes the instance that offered a wave act on time rather than at its next
 * pass. The same pass re-sends durable events the bus refused earlier.
 */
export class RoadsideWaves {
  private interval?: NodeJS.Timeout;
  private readonly timers = new Set<NodeJS.Timeout>();
  private running?: Promise<void>;
  private again = false;
  private stopped = false;
  readonly outcomes = new Counter({
    name: 'marketplace_roadside_waves_total',
    help: 'Roadside waves that ran out, by what followed: the next wave offered, staff alerted (unanswered), or another instance (or an accept) got there first',
    labelNames: ['outcome'],
    registers: [],
  });

  constructor(
    private readonly store: RoadsideStore,
    private readonly service: () => RoadsideService,
    private readonly events: RoadsideEvents,
    private readonly pollMs: number,
    private readonly logger: Logger,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  register(registry: Registry): void {
    registry.registerMetric(this.outcomes);
  }

  start(): void {
    if (this.interval || this.stopped) return;
    this.interval = setInterval(() => void this.pass(), this.pollMs);
    this.interval.unref();
    void this.pass();
  }

  /** Acts when this wave runs out (plus a little, so the database's clock has passed it too). */
  schedule(doc: RoadsideDocument): void {
    if (this.stopped || !doc.dueAt) return;
    const delay = Math.max(0, doc.dueAt.getTime() - this.clock().getTime()) + 20;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.pass();
    }, delay);
    timer.unref();
    this.timers.add(timer);
  }

  /** One pass over the due requests and the unannounced changes; a pass asked for meanwhile runs after it. */
  pass(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.advanceDue();
        await this.announceMissed();
      } while (this.again && !this.stopped);
    })().finally(() => (this.running = undefined));
    return this.running;
  }

  private async advanceDue(): Promise<void> {
    try {
      const due = await this.store.due(this.clock(), PASS_LIMIT);
      for (const doc of due) {
        if (this.stopped) return;
        const moved = await this.service().advance(doc);
        this.outcomes.inc({ outcome: !moved ? 'taken' : moved.status === 'UNANSWERED' ? 'unanswered' : 'next_wave' });
      }
      if (due.length === PASS_LIMIT) this.again = true;
    } catch (err) {
      this.logger.error({ err }, 'roadside wave pass failed; the next pass tries again');
    }
  }

  private async announceMissed(): Promise<void> {
    try {
      const missed = await this.store.unannounced(new Date(this.clock().getTime() - ANNOUNCE_GRACE_MS), PASS_LIMIT);
      for (const doc of missed) await this.events.announce(doc);
    } catch (err) {
      this.logger.warn({ err }, 'roadside events not re-sent; the next pass tries again');
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.interval);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await this.running;
  }
}
