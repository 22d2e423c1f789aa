import { fail, hex2, type DecodeFailure } from './result.js';

/** One decoded value, shaped like the API's Reading. */
export interface Reading {
  /** Two uppercase hex digits, e.g. "0C". */
  readonly pid: string;
  readonly name: string;
  readonly value: number;
  readonly unit: string;
}

export interface PidDefinition {
  readonly pid: number;
  /** What the PID measures; PID 01 yields several readings with names of their own. */
  readonly name: string;
  readonly unit: string;
  /** Data bytes after the PID byte (J1979's A, B, ...). */
  readonly bytes: number;
  readonly decode: (data: readonly number[]) => Reading[];
}

export type Mode01Result = { readonly ok: true; readonly readings: Reading[] } | DecodeFailure;

/** Positive response service byte for Mode 01 (request 01 + 0x40). */
export const MODE01_RESPONSE = 0x41;

type Formula = (a: number, b: number) => number;

function scalar(pid: number, name: string, unit: string, bytes: 1 | 2, formula: Formula): PidDefinition {
  return {
    pid,
    name,
    unit,
    bytes,
    decode: (data) => [{ pid: hex2(pid), name, value: formula(data[0], data[1] ?? 0), unit }],
  };
}

const percent: Formula = (a) => (a * 100) / 255;
const temperature: Formula = (a) => a - 40;
const fuelTrim: Formula = (a) => ((a - 128) * 100) / 128;
const word: Formula = (a, b) => a * 256 + b;

/** Names of the readings PID 01 (monitor status since DTCs cleared) produces. */
export const MONITOR_STATUS = {
  MIL: 'Malfunction indicator lamp',
  DTC_COUNT: 'Emission-related DTC count',
  COMPRESSION_IGNITION: 'Compression ignition',
  INCOMPLETE_MONITORS: 'Incomplete readiness monitors',
} as const;

/** Byte B: tests every engine has; bit n = supported, bit n+4 = not yet complete. */
const COMMON_MONITORS = ['Misfire', 'Fuel system', 'Comprehensive components'];
/** Bytes C (supported) and D (not complete); meaning depends on the ignition type in B bit 3. */
const SPARK_MONITORS = [
  'Catalyst',
  'Heated catalyst',
  'Evaporative system',
  'Secondary air system',
  'A/C refrigerant',
  'Oxygen sensor',
  'Oxygen sensor heater',
  'EGR/VVT system',
];
const COMPRESSION_MONITORS = [
  'NMHC catalyst',
  'NOx/SCR aftertreatment',
  null,
  'Boost pressure',
  null,
  'Exhaust gas sensor',
  'PM filter',
  'EGR/VVT system',
];

function monitorStatus(data: readonly number[]): Reading[] {
  const [a, b, c, d] = data;
  const pid = '01';
  const compression = (b & 0x08) !== 0;
  const readings: Reading[] = [
    { pid, name: MONITOR_STATUS.MIL, value: a & 0x80 ? 1 : 0, unit: 'boolean' },
    { pid, name: MONITOR_STATUS.DTC_COUNT, value: a & 0x7f, unit: 'count' },
    { pid, name: MONITOR_STATUS.COMPRESSION_IGNITION, value: compression ? 1 : 0, unit: 'boolean' },
  ];
  // Only supported monitors are reported: an unsupported one is neither ready nor pending.
  const monitors: Array<{ name: string; complete: boolean }> = [];
  COMMON_MONITORS.forEach((name, bit) => {
    if (b & (1 << bit)) monitors.push({ name, complete: (b & (1 << (bit + 4))) === 0 });
  });
  (compression ? COMPRESSION_MONITORS : SPARK_MONITORS).forEach((name, bit) => {
    if (name && c & (1 << bit)) monitors.push({ name, complete: (d & (1 << bit)) === 0 });
  });
  for (const m of monitors) {
    readings.push({ pid, name: `${m.name} monitor complete`, value: m.complete ? 1 : 0, unit: 'boolean' });
  }
  const incomplete = monitors.filter((m) => !m.complete).length;
  readings.push({ pid, name: MONITOR_STATUS.INCOMPLETE_MONITORS, value: incomplete, unit: 'count' });
  return readings;
}

const DEFINITIONS: PidDefinition[] = [
  { pid: 0x01, name: 'Monitor status since DTCs cleared', unit: '', bytes: 4, decode: monitorStatus },
  scalar(0x04, 'Calculated engine load', '%', 1, percent),
  scalar(0x05, 'Engine coolant temperature', '°C', 1, temperature),
  scalar(0x06, 'Short term fuel trim bank 1', '%', 1, fuelTrim),
  scalar(0x07, 'Long term fuel trim bank 1', '%', 1, fuelTrim),
  scalar(0x08, 'Short term fuel trim bank 2', '%', 1, fuelTrim),
  scalar(0x09, 'Long term fuel trim bank 2', '%', 1, fuelTrim),
  scalar(0x0a, 'Fuel pressure', 'kPa', 1, (a) => a * 3),
  scalar(0x0b, 'Intake manifold absolute pressure', 'kPa', 1, (a) => a),
  scalar(0x0c, 'Engine speed', 'rpm', 2, (a, b) => word(a, b) / 4),
  scalar(0x0d, 'Vehicle speed', 'km/h', 1, (a) => a),
  scalar(0x0e, 'Timing advance', '° before TDC', 1, (a) => a / 2 - 64),
  scalar(0x0f, 'Intake air temperature', '°C', 1, temperature),
  scalar(0x10, 'Mass air flow rate', 'g/s', 2, (a, b) => word(a, b) / 100),
  scalar(0x11, 'Throttle position', '%', 1, percent),
  scalar(0x1f, 'Run time since engine start', 's', 2, word),
  scalar(0x21, 'Distance travelled with MIL on', 'km', 2, word),
  scalar(0x2f, 'Fuel tank level', '%', 1, percent),
  scalar(0x31, 'Distance travelled since codes cleared', 'km', 2, word),
  scalar(0x33, 'Barometric pressure', 'kPa', 1, (a) => a),
  scalar(0x42, 'Control module voltage', 'V', 2, (a, b) => word(a, b) / 1000),
  scalar(0x46, 'Ambient air temperature', '°C', 1, temperature),
  scalar(0x5c, 'Engine oil temperature', '°C', 1, temperature),
  scalar(0x5e, 'Engine fuel rate', 'L/h', 2, (a, b) => word(a, b) / 20),
];

export const MODE01_PIDS: ReadonlyMap<number, PidDefinition> = new Map(DEFINITIONS.map((d) => [d.pid, d]));

/**
 * Decodes a Mode 01 response from its service byte on: 41 <pid> <data> [<pid> <data>...].
 * CAN ECUs answer a multi-PID request (up to six PIDs) in one message, so several PIDs are read
 * in sequence; an unknown PID stops decoding because its length, and so the next PID, is unknown.
 */
export function decodeMode01(bytes: readonly number[]): Mode01Result {
  if (bytes.length === 0) return fail('TRUNCATED', 'empty response');
  if (bytes[0] !== MODE01_RESPONSE) {
    return fail('MALFORMED', `expected a Mode 01 response (41), got service byte ${hex2(bytes[0])}`);
  }
  if (bytes.length === 1) return fail('TRUNCATED', 'Mode 01 response without a PID');

  const readings: Reading[] = [];
  let offset = 1;
  while (offset < bytes.length) {
    const pid = bytes[offset];
    const definition = MODE01_PIDS.get(pid);
    if (!definition) return fail('UNSUPPORTED', `Mode 01 PID ${hex2(pid)} is not supported`);
    const data = bytes.slice(offset + 1, offset + 1 + definition.bytes);
    if (data.length < definition.bytes) {
      return fail('TRUNCATED', `PID ${hex2(pid)} needs ${definition.bytes} data byte(s), got ${data.length}`);
    }
    readings.push(...definition.decode(data));
    offset += 1 + definition.bytes;
  }
  return { ok: true, readings };
}
