import { forceResolve, initialRuleState, isOpen, stepRule, type Transition } from '../alerts/rule-engine.js';
import { ALERT_RULES, ruleById, type AlertRule, type RuleContext } from '../alerts/rules.js';
import { SERVICE_KIND_INFO, type ServiceKind } from '../maintenance/service-kind.js';
import { applyDtcReport, type DtcReportMode } from '../observations/dtc-state.js';
import { toSamples, type ReadingLike, type Sample } from '../observations/sample.js';
import { observeUsage } from '../observations/usage.js';
import { observeParts, partsSeeDtcs, renewPart } from '../parts/part-models.js';
import { assessVehicle } from '../scoring/vehicle-score.js';
import { alertIdOf, type Effect } from './effects.js';
import type { VehicleState } from './vehicle-state.js';

/** What changes a vehicle's health state. */
export type HealthInput =
  | { kind: 'readings'; readings: readonly ReadingLike[] }
  | { kind: 'dtcs'; mode: DtcReportMode; codes: readonly string[]; at: number }
  | { kind: 'service'; service: ServiceKind; at: number; odometerKm: number | null }
  /** Someone acknowledged alert number `number` of `rule` (`at` is when, by the server's clock). */
  | { kind: 'acknowledge'; rule: string; number: number; by: string; at: number }
  /**
   * Re-assess as of `at` (ordered by an operator or the agents): time-dependent parts wear
   * while a car is parked and sends nothing, so its last snapshot goes stale.
   */
  | { kind: 'recompute'; at: number };

/** Data coming in refreshes the day's snapshot at most this often (event time); a recompute, at once. */
export const SNAPSHOT_EVERY_MS = 3_600_000;

/**
 * Folds one input into the state (mutated) and returns the effects it calls for. Pure and
 * deterministic: the same state and input always give the same result, which is what lets
 * a conflicting writer simply reload and fold again.
 */
export function reduce(state: VehicleState, input: HealthInput): Effect[] {
  const effects: Effect[] = [];
  let latest: number | null = null;
  switch (input.kind) {
    case 'readings':
      for (const sample of toSamples(input.readings)) {
        foldSample(state, sample, effects);
        latest = Math.max(latest ?? sample.at, sample.at);
      }
      break;
    case 'dtcs':
      foldDtcs(state, input.mode, input.codes, input.at, effects);
      latest = input.at;
      break;
    case 'service':
      foldService(state, input.service, input.at, input.odometerKm, effects);
      latest = input.at;
      break;
    case 'acknowledge':
      foldAcknowledge(state, input, effects);
      break;
    case 'recompute':
      recompute(state, input.at, effects);
      break;
  }
  if (latest !== null) snapshotIfDue(state, latest, effects);
  return effects;
}

function foldSample(state: VehicleState, sample: Sample, effects: Effect[]): void {
  const delta = observeUsage(state.usage, sample);
  observeParts(state.parts, { sample, delta, usage: state.usage });
  stepRules(state, 'readings', contextOf(state, sample.at, sample, delta.engine), effects);
}

function foldDtcs(state: VehicleState, mode: DtcReportMode, codes: readonly string[], at: number, effects: Effect[]) {
  applyDtcReport(state.dtcs, mode, codes, at);
  partsSeeDtcs(state.parts, state.dtcs, at);
  stepRules(state, 'dtcs', contextOf(state, at, null, 'unknown'), effects);
}

function foldService(
  state: VehicleState,
  service: ServiceKind,
  at: number,
  odometerKm: number | null,
  effects: Effect[],
) {
  if (odometerKm !== null && (!state.odometer || at >= state.odometer.at)) {
    state.odometer = { km: odometerKm, atDistanceKm: state.usage.distanceKm, at };
  }
  const previous = state.services[service];
  // Recording an older service after a newer one adds history, not a renewal.
  if (previous && at < previous.at) return;
  const renewal = { at, km: state.usage.distanceKm };
  state.services[service] = { at, odometerKm, km: renewal.km };
  const info = SERVICE_KIND_INFO[service];
  for (const part of info.renews) renewPart(part, state.parts, renewal);
  for (const id of info.resolves) {
    const rule = ruleById(id);
    const ruleState = state.rules[id];
    if (!rule || !ruleState) continue;
    const transition = forceResolve(ruleState, at);
    if (transition) effects.push(effectOf(state, rule, transition, contextOf(state, at, null, 'unknown')));
  }
}

/**
 * Acknowledging goes through the vehicle's state like everything else that changes an alert,
 * so it is ordered with the rules' resolutions instead of racing them in the database. Only
 * the rule's current alert, while it is open, and once.
 */
function foldAcknowledge(
  state: VehicleState,
  input: Extract<HealthInput, { kind: 'acknowledge' }>,
  effects: Effect[],
): void {
  const ruleState = state.rules[input.rule];
  if (!ruleState || ruleState.opened !== input.number || !isOpen(ruleState)) return;
  if ((ruleState.acknowledged ?? 0) >= input.number) return;
  ruleState.acknowledged = input.number;
  const alertId = alertIdOf(state.vehicleId, input.rule, input.number);
  effects.push({ kind: 'acknowledge-alert', alertId, by: input.by, at: input.at });
}

const contextOf = (
  state: VehicleState,
  at: number,
  sample: Sample | null,
  engine: RuleContext['engine'],
): RuleContext => ({
  at,
  sample,
  engine,
  parts: state.parts,
  usage: state.usage,
  dtcs: state.dtcs,
});

function stepRules(state: VehicleState, trigger: AlertRule['trigger'], context: RuleContext, effects: Effect[]) {
  for (const rule of ALERT_RULES) {
    if (rule.trigger !== trigger) continue;
    const value = rule.value(context);
    if (value === undefined || !Number.isFinite(value)) continue;
    const ruleState = (state.rules[rule.id] ??= initialRuleState());
    const transition = stepRule(rule, ruleState, context.at, value);
    if (transition) effects.push(effectOf(state, rule, transition, context));
  }
}

function effectOf(state: VehicleState, rule: AlertRule, transition: Transition, context: RuleContext): Effect {
  const id = alertIdOf(state.vehicleId, rule.id, state.rules[rule.id].opened);
  if (transition.kind === 'resolve') {
    return {
      kind: 'resolve-alert',
      alertId: id,
      vehicleId: state.vehicleId,
      at: transition.at,
      value: transition.value,
    };
  }
  return {
    kind: 'open-alert',
    alert: {
      id,
      vehicleId: state.vehicleId,
      rule: rule.id,
      part: rule.part,
      severity: rule.severity,
      message: rule.message(transition.value, context),
      value: transition.value,
      threshold: rule.threshold,
      openedAt: transition.at,
      conditionSince: transition.since,
    },
  };
}

export const utcDay = (at: number) => new Date(at).toISOString().slice(0, 10);

/** One snapshot per vehicle and UTC day, refreshed hourly (event time) while data comes in. */
function snapshotIfDue(state: VehicleState, at: number, effects: Effect[]): void {
  const day = utcDay(at);
  const last = state.snapshot;
  if (last && (day < last.day || (day === last.day && at - last.at < SNAPSHOT_EVERY_MS))) return;
  takeSnapshot(state, at, effects);
}

/**
 * A snapshot now, whatever the hourly throttle; rules are left alone (nothing was observed).
 * A command older than the last snapshot has nothing fresher to say: it would only rewind it.
 */
function recompute(state: VehicleState, at: number, effects: Effect[]): void {
  if (state.snapshot && at <= state.snapshot.at) return;
  takeSnapshot(state, at, effects);
}

function takeSnapshot(state: VehicleState, at: number, effects: Effect[]): void {
  const day = utcDay(at);
  const assessment = assessVehicle(state, at);
  state.snapshot = { day, at };
  effects.push({
    kind: 'snapshot',
    snapshot: {
      vehicleId: state.vehicleId,
      day,
      at,
      score: assessment.score,
      grade: assessment.grade,
      parts: assessment.parts.map(({ part, score, status }) => ({ part, score, status })),
    },
  });
}
