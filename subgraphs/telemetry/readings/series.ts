import { MODE01_PIDS, type PidDefinition, type Reading as DecodedReading } from '../obd/pids.js';

/** A decoded value with the time it was measured. */
export interface TimedReading extends DecodedReading {
  readonly recordedAt: Date;
}

/** Two uppercase hex digits, as the API writes PIDs. */
export const PID_PATTERN = /^[0-9A-F]{2}$/;

export function pidDefinition(pid: string): PidDefinition | undefined {
  return PID_PATTERN.test(pid) ? MODE01_PIDS.get(parseInt(pid, 16)) : undefined;
}

/**
 * A PID that decodes to one value (engine speed, coolant temperature...). PID 01 (monitor
 * status) decodes to a dozen named flags, so it has no single series to chart or range-check.
 */
export function isSingleValued(definition: PidDefinition): boolean {
  return definition.decode(new Array<number>(definition.bytes).fill(0)).length === 1;
}

/**
 * The smallest and largest value a PID can encode: every formula in J1979's table grows with
 * its data bytes, so they are the values of 00.. and FF.. .
 */
export function physicalRange(definition: PidDefinition): { min: number; max: number } {
  const [low] = definition.decode(new Array<number>(definition.bytes).fill(0x00));
  const [high] = definition.decode(new Array<number>(definition.bytes).fill(0xff));
  return { min: low.value, max: high.value };
}

/**
 * Where a series lives in the storage documents: `p0C` for a PID's own value, `p01_<name>` for
 * the named values of a multi-valued PID. Keys are built from decoder output only, never from
 * client text, and contain neither `.` nor `$`, so they are safe as field names.
 */
export function seriesKey(pid: string, name: string): string {
  const definition = pidDefinition(pid);
  if (definition && definition.name === name) return `p${pid}`;
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return `p${pid}_${slug}`;
}

/** The series key of a single-valued PID (validated by the caller). */
export const pidSeriesKey = (pid: string) => `p${pid}`;
