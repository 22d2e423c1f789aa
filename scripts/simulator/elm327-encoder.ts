/**
 * The inverse of SAE J1979's Mode 01 formulas, and ELM327 formatting (CAN, headers off), so that
 * the simulator says what a real adapter would print. Values are rounded to the PID's
 * resolution and clamped to what its bytes can carry, as an ECU does.
 */

export type PidName =
  | 'engineLoad'
  | 'coolantTemp'
  | 'shortFuelTrim'
  | 'longFuelTrim'
  | 'intakePressure'
  | 'rpm'
  | 'speed'
  | 'timingAdvance'
  | 'intakeTemp'
  | 'maf'
  | 'throttle'
  | 'runTime'
  | 'distanceMilOn'
  | 'fuelLevel'
  | 'distanceSinceClear'
  | 'barometricPressure'
  | 'controlModuleVoltage'
  | 'ambientTemp'
  | 'oilTemp'
  | 'fuelRate';

interface PidEncoding {
  pid: number;
  bytes: 1 | 2;
  /** Physical value → the raw A (1 byte) or A*256+B (2 bytes) word, before rounding. */
  raw: (value: number) => number;
}

const temperature = (value: number) => value + 40;
const percent = (value: number) => (value * 255) / 100;
const fuelTrim = (value: number) => (value * 128) / 100 + 128;
const identity = (value: number) => value;

export const PID_ENCODINGS: Readonly<Record<PidName, PidEncoding>> = {
  engineLoad: { pid: 0x04, bytes: 1, raw: percent },
  coolantTemp: { pid: 0x05, bytes: 1, raw: temperature },
  shortFuelTrim: { pid: 0x06, bytes: 1, raw: fuelTrim },
  longFuelTrim: { pid: 0x07, bytes: 1, raw: fuelTrim },
  intakePressure: { pid: 0x0b, bytes: 1, raw: identity },
  rpm: { pid: 0x0c, bytes: 2, raw: (value) => value * 4 },
  speed: { pid: 0x0d, bytes: 1, raw: identity },
  timingAdvance: { pid: 0x0e, bytes: 1, raw: (value) => (value + 64) * 2 },
  intakeTemp: { pid: 0x0f, bytes: 1, raw: temperature },
  maf: { pid: 0x10, bytes: 2, raw: (value) => value * 100 },
  throttle: { pid: 0x11, bytes: 1, raw: percent },
  runTime: { pid: 0x1f, bytes: 2, raw: identity },
  distanceMilOn: { pid: 0x21, bytes: 2, raw: identity },
  fuelLevel: { pid: 0x2f, bytes: 1, raw: percent },
  distanceSinceClear: { pid: 0x31, bytes: 2, raw: identity },
  barometricPressure: { pid: 0x33, bytes: 1, raw: identity },
  controlModuleVoltage: { pid: 0x42, bytes: 2, raw: (value) => value * 1000 },
  ambientTemp: { pid: 0x46, bytes: 1, raw: temperature },
  oilTemp: { pid: 0x5c, bytes: 1, raw: temperature },
  fuelRate: { pid: 0x5e, bytes: 2, raw: (value) => value * 20 },
};

/** The PID byte and its data bytes, e.g. rpm 1726 → [0x0C, 0x1A, 0xF8]. */
export function encodePid(name: PidName, value: number): number[] {
  const { pid, bytes, raw } = PID_ENCODINGS[name];
  const max = bytes === 1 ? 0xff : 0xffff;
  const word = Math.min(max, Math.max(0, Math.round(raw(value))));
  return bytes === 1 ? [pid, word] : [pid, word >> 8, word & 0xff];
}

export const MODE01_RESPONSE = 0x41;
export const MODE03_RESPONSE = 0x43;
/** One CAN single frame carries 7 payload bytes; a longer reply would need ISO-TP framing. */
export const CAN_SINGLE_FRAME_BYTES = 7;

/** A Mode 01 reply for one or several PIDs (CAN ECUs answer up to six PIDs in one message). */
export function mode01Reply(pids: ReadonlyArray<readonly number[]>): number[] {
  return [MODE01_RESPONSE, ...pids.flat()];
}

export interface MonitorStatus {
  mil: boolean;
  dtcCount: number;
}

/**
 * PID 01 for a spark-ignition engine: misfire, fuel system and components monitors supported
 * and complete (byte B 0x07), catalyst, evaporative system, O2 sensor, O2 heater and EGR/VVT
 * supported (byte C 0xE5), all complete (byte D 0x00).
 */
export function monitorStatusPid({ mil, dtcCount }: MonitorStatus): number[] {
  return [0x01, (mil ? 0x80 : 0) | Math.min(dtcCount, 0x7f), 0x07, 0xe5, 0x00];
}

const DTC_SYSTEMS = ['P', 'C', 'B', 'U'];

/** "P0301" → [0x03, 0x01]: system in bits 7-6, first digit in bits 5-4, then three hex digits. */
export function dtcBytes(code: string): [number, number] {
  const match = /^([PCBU])([0-3])([0-9A-F])([0-9A-F]{2})$/.exec(code.toUpperCase());
  if (!match) throw new RangeError(`not a trouble code: ${code}`);
  const a = (DTC_SYSTEMS.indexOf(match[1]) << 6) | (Number(match[2]) << 4) | parseInt(match[3], 16);
  return [a, parseInt(match[4], 16)];
}

/** Mode 03 on CAN: a count byte, then two bytes per code ("43 01 03 01" is P0301; "43 00" none). */
export function mode03Reply(codes: readonly string[]): number[] {
  return [MODE03_RESPONSE, codes.length, ...codes.flatMap(dtcBytes)];
}

export interface ElmStyle {
  /** ATS1 prints "41 0C 1A F8", ATS0 "410C1AF8". */
  spaces: boolean;
  /** Some clones print lower-case hex. */
  lowercase: boolean;
}

export function formatBytes(bytes: readonly number[], style: ElmStyle): string {
  const hex = bytes.map((b) => b.toString(16).padStart(2, '0'));
  const text = hex.join(style.spaces ? ' ' : '');
  return style.lowercase ? text : text.toUpperCase();
}

/** What the adapter prints when no ECU answered; ATS0 drops the space inside it too. */
export function noDataReply(style: ElmStyle): string {
  return style.spaces ? 'NO DATA' : 'NODATA';
}
