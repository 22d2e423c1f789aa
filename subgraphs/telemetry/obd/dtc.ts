import type { Severity } from '../../../platform/vocabulary/severity.js';
import { DTC_DESCRIPTIONS } from './dtc-descriptions.js';
import { fail, hex2, type DecodeFailure } from './result.js';

/** Mode 03 reports confirmed (stored) codes, 07 pending ones, 0A permanent ones. */
export type DtcMode = 'confirmed' | 'pending' | 'permanent';

/** Positive response service bytes (request mode + 0x40). */
export const DTC_RESPONSE_MODES: ReadonlyMap<number, DtcMode> = new Map([
  [0x43, 'confirmed'],
  [0x47, 'pending'],
  [0x4a, 'permanent'],
]);

export type DtcResult = { readonly ok: true; readonly mode: DtcMode; readonly codes: string[] } | DecodeFailure;

export interface DescribedDtc {
  readonly code: string;
  readonly description: string;
  readonly severity: Severity;
  /** False when the description is only the code's category, not the code itself. */
  readonly known: boolean;
}

export const DTC_CODE_PATTERN = /^[PCBU][0-3][0-9A-F]{3}$/;

const SYSTEMS = ['P', 'C', 'B', 'U'] as const;

/** Two bytes to a code: A bits 7-6 pick the system, bits 5-4 the first digit, the rest are hex digits. */
export function decodeDtcBytes(a: number, b: number): string {
  const system = SYSTEMS[(a >> 6) & 0x03];
  const first = (a >> 4) & 0x03;
  return `${system}${first}${(a & 0x0f).toString(16).toUpperCase()}${hex2(b)}`;
}

/**
 * Decodes a CAN Mode 03/07/0A response: <service> <count> then count pairs of bytes.
 * Pairs of 00 00 after the counted codes are padding; anything else that disagrees with the
 * count is rejected, because a partial list would look like codes having been cleared.
 */
export function decodeDtcResponse(bytes: readonly number[]): DtcResult {
  if (bytes.length === 0) return fail('TRUNCATED', 'empty response');
  const mode = DTC_RESPONSE_MODES.get(bytes[0]);
  if (!mode) return fail('MALFORMED', `expected a DTC response (43, 47 or 4A), got service byte ${hex2(bytes[0])}`);
  if (bytes.length < 2) return fail('TRUNCATED', 'DTC response without a code count');

  const count = bytes[1];
  const payload = bytes.slice(2);
  const pairs = Math.floor(payload.length / 2);
  if (pairs < count) return fail('TRUNCATED', `DTC count is ${count} but only ${pairs} code(s) present`);
  if (payload.length % 2 !== 0) return fail('MALFORMED', 'DTC bytes do not form whole pairs');

  const codes: string[] = [];
  for (let i = 0; i < pairs; i++) {
    const a = payload[2 * i];
    const b = payload[2 * i + 1];
    const empty = a === 0 && b === 0;
    if (i < count && empty) return fail('MALFORMED', `DTC count is ${count} but code ${i + 1} is empty (00 00)`);
    if (i >= count && !empty) return fail('MALFORMED', `DTC count is ${count} but more codes follow`);
    if (i < count) codes.push(decodeDtcBytes(a, b));
  }
  return { ok: true, mode, codes };
}

/** Describes a code from the built-in table, or by its category when the table lacks it. */
export function describeDtc(code: string): DescribedDtc | null {
  const normalised = code.trim().toUpperCase();
  if (!DTC_CODE_PATTERN.test(normalised)) return null;
  const entry = DTC_DESCRIPTIONS[normalised];
  if (entry) return { code: normalised, ...entry, known: true };
  // Unknown codes still mean a module flagged a fault: worth a check, not an emergency.
  return { code: normalised, description: categoryDescription(normalised), severity: 'MEDIUM', known: false };
}

const SYSTEM_NAMES: Record<string, string> = { P: 'Powertrain', C: 'Chassis', B: 'Body', U: 'Network' };

/** J2012 groups powertrain codes by the third character. */
const POWERTRAIN_AREAS: Record<string, string> = {
  '0': 'fuel and air metering, auxiliary emission controls',
  '1': 'fuel and air metering',
  '2': 'fuel and air metering (injector circuit)',
  '3': 'ignition system or misfire',
  '4': 'auxiliary emission controls',
  '5': 'vehicle speed, idle control and auxiliary inputs',
  '6': 'computer and output circuits',
  '7': 'transmission',
  '8': 'transmission',
  '9': 'transmission',
  A: 'hybrid propulsion',
  B: 'hybrid propulsion',
  C: 'hybrid propulsion',
};

function categoryDescription(code: string): string {
  const system = code[0];
  const digit = code[1];
  const generic = digit === '0' || (system === 'P' && digit === '2');
  const ownership = generic
    ? 'SAE generic'
    : digit === '3'
      ? 'reserved or manufacturer-specific'
      : 'manufacturer-specific';
  const area = system === 'P' ? POWERTRAIN_AREAS[code[2]] : undefined;
  return `${SYSTEM_NAMES[system]} code (${ownership})${area ? `: ${area}` : ''}`;
}
