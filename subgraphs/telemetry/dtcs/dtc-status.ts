import type { DtcMode } from '../obd/dtc.js';

export type DtcStatus = 'ACTIVE' | 'PENDING' | 'CLEARED';

export interface Transition {
  /** The status a reported code takes... */
  to: DtcStatus;
  /** ...when it currently has one of these (a new code always takes it). */
  from: DtcStatus[];
}

/**
 * Confirmed (mode 03) and permanent (0A) codes are ACTIVE, whatever they were. A pending (07)
 * code is PENDING, unless it is already ACTIVE: ECUs list a confirmed fault among the pending
 * ones while it keeps failing, and that must not look like an improvement.
 */
export function transitionFor(mode: DtcMode): Transition {
  return mode === 'pending' ? { to: 'PENDING', from: ['CLEARED'] } : { to: 'ACTIVE', from: ['PENDING', 'CLEARED'] };
}

/** Mode 04 clears stored and pending codes; the history of each code is kept. */
export const CLEARABLE: DtcStatus[] = ['ACTIVE', 'PENDING'];
