import { LRUCache } from 'lru-cache';
import { KeyedLock } from '../../../platform/async/keyed-lock.js';
import type { AlertEvents } from '../alerts/alert-events.js';
import type { AlertStore } from '../alerts/alert.store.js';
import type { HealthMetrics } from '../health-metrics.js';
import type { SnapshotStore } from '../scoring/snapshot.store.js';
import type { Effect } from './effects.js';
import { reduce, type HealthInput } from './reduce.js';
import { APPLIED_KEPT, initialVehicleState } from './vehicle-state.js';
import type { StateVersion, VehicleStateStore } from './vehicle-state.store.js';

/** Test hook: runs between committing a version and carrying out its effects. */
export type AfterCommit = (vehicleId: string, version: number, effects: readonly Effect[]) => Promise<void>;

export interface ProcessorDeps {
  states: VehicleStateStore;
  alerts: AlertStore;
  snapshots: SnapshotStore;
  events: AlertEvents;
  metrics?: HealthMetrics;
  /** Test hook: runs between committing a version and carrying out its effects (a crash there must lose nothing). */
  afterCommit?: AfterCommit;
}

/** Conflicts only happen when instances change one vehicle at the same moment; each retry reloads. */
const MAX_ATTEMPTS = 10;

/** `unknown-vehicle`: a recompute of a vehicle health has never seen (there is nothing to re-assess). */
export type ApplyOutcome = 'applied' | 'duplicate' | 'unknown-vehicle';

/** One input to a vehicle's state, with the key that makes applying it idempotent. */
export interface KeyedInput {
  eventKey: string;
  input: HealthInput;
}

/**
 * Applies inputs to vehicles' health state, exactly once per event key in effect:
 *
 * 1. load the newest version and finish its effects (idempotent: a writer may have crashed
 *    before doing them);
 * 2. skip the input when its key is among the keys already applied (a redelivery), or when
 *    it is a recompute of a vehicle without a state (no state is made up for it);
 * 3. fold it in (pure) and commit version n+1 with its effects; losing that race to another
 *    instance means reloading and folding again;
 * 4. carry out the effects: create alerts (deterministic ids, so a replay creates nothing),
 *    resolve and acknowledge alerts (conditional), write snapshots (upserts), and announce
 *    what changed through the outbox (see AlertEvents).
 *
 * Within one process, a vehicle's inputs are applied one at a time (no self-inflicted races).
 */
export class HealthProcessor {
  private readonly lock = new KeyedLock();
  /**
   * The version this process last committed per vehicle, its effects done. When the head shows
   * nothing newer, the next event starts from it without reading it back; a writer elsewhere
   * that got there first makes the commit fail, and the vehicle is reloaded.
   */
  private readonly committed = new LRUCache<string, StateVersion>({ max: 10_000 });

  constructor(private readonly deps: ProcessorDeps) {}

  async apply(vehicleId: string, eventKey: string, input: HealthInput): Promise<ApplyOutcome> {
    const [outcome] = await this.applyMany(vehicleId, [{ eventKey, input }]);
    return outcome;
  }

  /**
   * Applies one vehicle's inputs, in order, as one new version: one load and one commit for all
   * of them, so that a vehicle's backlog costs the database the same as one event. Returns each
   * input's outcome, in order.
   */
  async applyMany(vehicleId: string, inputs: readonly KeyedInput[]): Promise<ApplyOutcome[]> {
    try {
      const outcomes = await this.lock.run(vehicleId, () => this.applyOnce(vehicleId, inputs));
      for (const outcome of outcomes) this.deps.metrics?.inputs.inc({ outcome });
      return outcomes;
    } catch (error) {
      this.deps.metrics?.inputs.inc({ outcome: 'failed' }, inputs.length);
      throw error;
    }
  }

  private async applyOnce(vehicleId: string, inputs: readonly KeyedInput[]): Promise<ApplyOutcome[]> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const mine = this.committed.get(vehicleId);
      const latest = await this.deps.states.latest(vehicleId, mine);
      if (latest && latest !== mine && latest.effects.length > 0) await this.carryOut(latest.effects);

      // A copy of a cached version: it must stay as committed should this attempt lose the race.
      let state = latest ? (latest === mine ? structuredClone(latest.state) : latest.state) : null;
      const outcomes: ApplyOutcome[] = [];
      const effects: Effect[] = [];
      const applied = new Set(state?.applied);
      let lastKey: string | undefined;
      for (const { eventKey, input } of inputs) {
        if (applied.has(eventKey)) outcomes.push('duplicate');
        else if (!state && input.kind === 'recompute') outcomes.push('unknown-vehicle');
        else {
          state ??= initialVehicleState(vehicleId);
          effects.push(...reduce(state, input));
          state.applied = [...state.applied, eventKey].slice(-APPLIED_KEPT);
          applied.add(eventKey);
          lastKey = eventKey;
          outcomes.push('applied');
        }
      }
      if (!state || lastKey === undefined) return outcomes;

      const next: StateVersion = {
        vehicleId,
        version: (latest?.version ?? 0) + 1,
        state,
        effects,
        eventKey: lastKey,
        committedAt: new Date(),
      };
      if (!(await this.deps.states.commit(next))) {
        this.committed.delete(vehicleId);
        continue;
      }
      await this.deps.afterCommit?.(vehicleId, next.version, effects);
      await this.carryOut(effects);
      this.committed.set(vehicleId, next);
      return outcomes;
    }
    throw new Error(`vehicle ${vehicleId}: state changed under us ${MAX_ATTEMPTS} times in a row`);
  }

  private async carryOut(effects: readonly Effect[]): Promise<void> {
    const { alerts, events } = this.deps;
    for (const effect of effects) {
      switch (effect.kind) {
        case 'open-alert':
          await events.transitioned(effect.alert.id, 'OPEN', await alerts.insertOpened(effect.alert));
          break;
        case 'resolve-alert':
          await events.transitioned(
            effect.alertId,
            'RESOLVED',
            await alerts.resolve(effect.alertId, new Date(effect.at)),
          );
          break;
        case 'acknowledge-alert': {
          const acknowledged = await alerts.acknowledge(effect.alertId, effect.by, new Date(effect.at));
          await events.transitioned(effect.alertId, 'ACKNOWLEDGED', acknowledged);
          break;
        }
        case 'snapshot':
          await this.deps.snapshots.record(effect.snapshot);
          break;
      }
    }
  }
}
