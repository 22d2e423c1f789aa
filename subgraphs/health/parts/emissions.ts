import { codesMatching, type DtcState } from '../observations/dtc-state.js';
import { round, scored, type Evidence } from './part.js';
import { newest, NOT_RENEWED, type PartModel, type Renewal } from './part-model.js';

/** P0420-P0424 (bank 1) and P0430-P0434 (bank 2): catalyst efficiency below threshold. */
export const CATALYST_CODES = /^P04[23][0-4]$/;

/**
 * Emissions and catalyst, from the catalyst codes and PID 01's readiness monitors: a MIL that
 * is on, and monitors that have not completed since the codes were cleared (an inspection would
 * refuse the car), cost points too.
 */
export interface EmissionsState {
  renewal: Renewal;
  mil: { on: boolean; at: number } | null;
  incompleteMonitors: { count: number; at: number } | null;
  catalystReady: { ready: boolean; at: number } | null;
  updatedAt: number | null;
}

export const emissions: PartModel<EmissionsState> = {
  part: 'EMISSIONS',
  name: 'Emissions and catalyst',
  initial: () => ({ renewal: NOT_RENEWED, mil: null, incompleteMonitors: null, catalystReady: null, updatedAt: null }),
  observe(state, { sample }) {
    const { mil, incompleteMonitors, catalystReady } = sample.values;
    const at = sample.at;
    const fresher = (m: { at: number } | null) => !m || at > m.at;
    let touched = false;
    if (mil !== undefined && fresher(state.mil)) {
      state.mil = { on: mil === 1, at };
      touched = true;
    }
    if (incompleteMonitors !== undefined && fresher(state.incompleteMonitors)) {
      state.incompleteMonitors = { count: incompleteMonitors, at };
      touched = true;
    }
    if (catalystReady !== undefined && fresher(state.catalystReady)) {
      state.catalystReady = { ready: catalystReady === 1, at };
      touched = true;
    }
    if (touched) state.updatedAt = newest(state.updatedAt, at);
  },
  onDtcs(state, dtcs, at) {
    if (codesMatching(dtcs, CATALYST_CODES, true).length > 0) state.updatedAt = newest(state.updatedAt, at);
  },
  renew(state, renewal) {
    Object.assign(state, { renewal, updatedAt: renewal.at });
  },
  assess(state, { dtcs }) {
    const evidence: Evidence[] = [];
    let score = 100;
    const catalyst = codesMatching(dtcs, CATALYST_CODES);
    if (catalyst.length > 0) {
      score = 40;
      evidence.push({
        message: `Catalyst efficiency code(s) active: ${catalyst.join(', ')}`,
        observedAt: state.updatedAt,
      });
    }
    if (state.mil?.on) {
      score -= 10;
      evidence.push({ message: 'Malfunction indicator lamp is on', observedAt: state.mil.at });
    }
    if (state.incompleteMonitors && state.incompleteMonitors.count > 0) {
      score -= Math.min(20, state.incompleteMonitors.count * 5);
      evidence.push({
        message: `${state.incompleteMonitors.count} readiness monitor(s) not complete: an emissions inspection would not pass yet`,
        observedAt: state.incompleteMonitors.at,
      });
    }
    if (state.catalystReady && !state.catalystReady.ready) {
      score -= 5;
      evidence.push({ message: 'Catalyst monitor has not completed', observedAt: state.catalystReady.at });
    }
    const known = state.mil !== null || state.incompleteMonitors !== null;
    if (evidence.length === 0) {
      evidence.push({
        message: known ? 'No catalyst codes; readiness monitors complete' : 'No readiness data reported yet',
        observedAt: state.updatedAt,
      });
    }
    const failing = catalyst.length > 0;
    return {
      part: 'EMISSIONS',
      name: 'Emissions and catalyst',
      ...scored(score),
      // A catalyst lasts the life of most cars; only a failing one has a meaningful horizon.
      remainingKm: failing ? 0 : null,
      remainingDays: failing ? 0 : null,
      confidence: round(failing ? 0.7 : known ? 0.5 : 0.1, 2),
      evidence,
      updatedAt: state.updatedAt,
    };
  },
};

export const catalystCodes = (dtcs: DtcState) => codesMatching(dtcs, CATALYST_CODES);
