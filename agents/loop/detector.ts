import { Counter, Gauge, type Registry } from 'prom-client';
import type { Logger } from '../../platform/logger.js';
import { evaluateRules, stateKey, type FiringDraft } from '../firings/evaluate.js';
import { GOAL_RULE, MEMORY_RULES } from '../firings/rule-set.js';
import type { ThresholdRule } from '../triggers/threshold.js';
import type { ObservationCollector } from '../signals/observations.js';
import type { ThresholdState } from '../triggers/threshold.js';

/** Firings kept while the database is down; beyond this the oldest are dropped (they were logged). */
const MAX_PENDING = 100;
/** A firing still waiting this long after it fired is dropped: the moment to act on it has passed. */
const PENDING_TTL_MS = 3_600_000;
const MEMORY_KEYS: ReadonlySet<string> = new Set(MEMORY_RULES.map((r) => r.kind));

export class DetectorMetrics {
  readonly breaches = new Counter({
    name: 'agents_trigger_breaches_total',
    help: 'Triggers on in-memory signals (gateway traffic, failed logins) that fired, by kind and whether the database was reachable; each breach counted once across instances, by the instance that leads the loop',
    labelNames: ['kind', 'database'],
    registers: [],
  });
  readonly databaseReachable = new Gauge({
    name: 'agents_database_reachable',
    help: "1 when this agents instance's last database check answered in time, else 0",
    registers: [],
  });
  readonly pending = new Gauge({
    name: 'agents_firings_pending',
    help: 'Firings detected while the database was down, waiting to be recorded (and decided) once it is back',
    registers: [],
  });

  register(registry: Registry): void {
    for (const metric of [this.breaches, this.databaseReachable, this.pending]) registry.registerMetric(metric);
  }
}

/**
 * Evaluates the triggers on in-memory signals on every instance, as each gateway snapshot
 * arrives, without the database: a firing is counted on /metrics and kept, and wakes the loop
 * at once; the leader's tick records the kept firings and decides on them. While the database
 * is unreachable (the loop's lease check failed or timed out) a firing is also logged as an
 * error, and kept until the first tick once the database is back: nothing that needs the
 * database is done meanwhile. The tick tells the detector what it fired itself (`adopt`), so
 * the two never fire the same condition twice.
 */
export class IncidentDetector {
  private states = new Map<string, ThresholdState>();
  private pending: FiringDraft[] = [];
  private reachable = true;
  /**
   * Whether this instance led the loop at its last lease check that answered. Every instance
   * evaluates the same merged traffic, so each would count the same breach: only the leader
   * counts (and, while the database is down, the instance that led when it went down).
   */
  private leading = false;

  constructor(
    private readonly deps: {
      observations: Pick<ObservationCollector, 'collectMemory'>;
      metrics: DetectorMetrics;
      logger: Logger;
      wake: (reason: string) => void;
      /** The rules on in-memory signals, with the configured lines (MEMORY_RULES by default). */
      rules?: readonly ThresholdRule[];
    },
  ) {
    deps.metrics.databaseReachable.set(1);
  }

  /** Told by the loop after each database check; `leading` only when the check answered. */
  setDatabaseReachable(reachable: boolean, leading?: boolean): void {
    if (reachable && leading !== undefined) this.leading = leading;
    if (reachable !== this.reachable)
      this.deps.logger[reachable ? 'info' : 'error'](
        { pending: this.pending.length },
        reachable ? 'agents: database reachable again' : 'agents: database unreachable; triggers still evaluated',
      );
    this.reachable = reachable;
    this.deps.metrics.databaseReachable.set(reachable ? 1 : 0);
  }

  databaseReachable(): boolean {
    return this.reachable;
  }

  /** Evaluates the in-memory triggers now; returns what fired. */
  check(reason: string): FiringDraft[] {
    const observations = this.deps.observations.collectMemory();
    const evaluation = evaluateRules({
      observations,
      metricRules: this.deps.rules ?? MEMORY_RULES,
      goalRule: GOAL_RULE,
      goals: [],
      routines: [],
      since: null,
      states: this.states,
    });
    for (const [key, state] of evaluation.states) this.states.set(key, state);
    if (evaluation.firings.length === 0) return [];
    const database = this.reachable ? 'reachable' : 'unreachable';
    if (this.leading)
      for (const firing of evaluation.firings) this.deps.metrics.breaches.inc({ kind: firing.kind, database });
    this.pending = [...this.pending, ...evaluation.firings].slice(-MAX_PENDING);
    this.deps.metrics.pending.set(this.pending.length);
    const fired = evaluation.firings.map((f) => ({ kind: f.kind, value: f.value, threshold: f.threshold }));
    if (this.reachable) {
      this.deps.logger.warn({ reason, fired }, 'agents: trigger fired; waking the loop');
      this.deps.wake(`breach:${evaluation.firings[0].kind}`);
    } else {
      this.deps.logger.error(
        { reason, fired },
        'agents: trigger fired while the database is unreachable; recorded and decided on once it is back',
      );
    }
    return evaluation.firings;
  }

  /**
   * The firings kept while the database was down, for the leader's tick to record; their rules'
   * states, so the tick does not fire them a second time.
   */
  drainPending(now: number): { firings: FiringDraft[]; states: Map<string, ThresholdState> } {
    const firings = this.pending.filter((f) => now - f.firedAt < PENDING_TTL_MS);
    this.pending = [];
    this.deps.metrics.pending.set(0);
    const states = new Map(
      firings.map((f) => [stateKey(f.kind, f.subject), this.states.get(stateKey(f.kind, f.subject))!]),
    );
    return { firings, states };
  }

  /**
   * The rule states the tick evaluated (its own firings included), for the rules evaluated here.
   * The tick runs on the leader only: what it fired itself on these rules is counted here.
   */
  adopt(states: ReadonlyMap<string, ThresholdState>, fired: readonly FiringDraft[] = []): void {
    for (const [key, state] of states) if (MEMORY_KEYS.has(key.split(':')[0])) this.states.set(key, state);
    for (const firing of fired)
      if (MEMORY_KEYS.has(firing.kind)) this.deps.metrics.breaches.inc({ kind: firing.kind, database: 'reachable' });
  }

  hasPending(): boolean {
    return this.pending.length > 0;
  }

  /** Another instance leads: it detected the same and records its own. */
  dropPending(): void {
    this.pending = [];
    this.deps.metrics.pending.set(0);
  }
}
