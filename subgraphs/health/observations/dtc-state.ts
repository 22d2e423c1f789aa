import { describeDtc } from '../../telemetry/contract.js';
import type { Severity } from '../../../platform/vocabulary/severity.js';

export type DtcReportMode = 'confirmed' | 'pending' | 'permanent' | 'cleared';

export interface TrackedDtc {
  status: 'ACTIVE' | 'PENDING';
  firstSeenAt: number;
  lastSeenAt: number;
}

/** The vehicle's trouble codes as health sees them, with the semantics of telemetry's DTC store. */
export interface DtcState {
  codes: Record<string, TrackedDtc>;
  /** Event time of the last mode 04 clear. */
  clearedAt: number | null;
}

export const initialDtcs = (): DtcState => ({ codes: {}, clearedAt: null });

/**
 * Confirmed and permanent codes are ACTIVE; a pending one is PENDING unless already ACTIVE.
 * A clear removes every code last seen at or before it, and a report measured before the last
 * clear (a device uploading its backlog) changes nothing. Returns whether anything changed.
 */
export function applyDtcReport(state: DtcState, mode: DtcReportMode, codes: readonly string[], at: number): boolean {
  if (mode === 'cleared') {
    if (state.clearedAt !== null && at <= state.clearedAt) return false;
    state.clearedAt = at;
    let changed = false;
    for (const [code, dtc] of Object.entries(state.codes)) {
      if (dtc.lastSeenAt <= at) {
        delete state.codes[code];
        changed = true;
      }
    }
    return changed;
  }
  if (state.clearedAt !== null && at <= state.clearedAt) return false;
  let changed = false;
  for (const code of codes) {
    const current = state.codes[code];
    const status = mode === 'pending' && current?.status !== 'ACTIVE' ? 'PENDING' : 'ACTIVE';
    if (!current) {
      state.codes[code] = { status, firstSeenAt: at, lastSeenAt: at };
      changed = true;
      continue;
    }
    if (current.status !== status) changed = true;
    current.status = status;
    current.firstSeenAt = Math.min(current.firstSeenAt, at);
    current.lastSeenAt = Math.max(current.lastSeenAt, at);
  }
  return changed;
}

export interface DescribedCode {
  code: string;
  status: 'ACTIVE' | 'PENDING';
  severity: Severity;
  description: string;
  firstSeenAt: number;
}

/** The vehicle's codes with their description and severity, most severe first. */
export function describeCodes(state: DtcState): DescribedCode[] {
  return Object.entries(state.codes)
    .map(([code, dtc]) => {
      const described = describeDtc(code);
      return {
        code,
        status: dtc.status,
        severity: described?.severity ?? 'MEDIUM',
        description: described?.description ?? code,
        firstSeenAt: dtc.firstSeenAt,
      };
    })
    .sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || a.code.localeCompare(b.code));
}

export const SEVERITY_RANK: Record<Severity, number> = { INFO: 0, LOW: 1, MEDIUM: 2, HIGH: 3, CRITICAL: 4 };

/** Active (or, with `pending`, also pending) codes matching `pattern`. */
export function codesMatching(state: DtcState, pattern: RegExp, pending = false): string[] {
  return Object.entries(state.codes)
    .filter(([code, dtc]) => pattern.test(code) && (pending || dtc.status === 'ACTIVE'))
    .map(([code]) => code)
    .sort();
}
