/** The values of several series measured at one instant (readings of one upload share it). */
export interface Snapshot {
  /** Milliseconds since the epoch. */
  readonly t: number;
  readonly values: Readonly<Record<string, number>>;
}

/** A value and when it was measured, held until a newer one arrives. */
export interface Held {
  readonly v: number;
  readonly t: number;
}

/** Groups points of several series, in any order, into snapshots sorted by time. */
export function toSnapshots(points: Iterable<{ key: string; t: number; v: number }>): Snapshot[] {
  const byTime = new Map<number, Record<string, number>>();
  for (const { key, t, v } of points) {
    let values = byTime.get(t);
    if (!values) byTime.set(t, (values = {}));
    values[key] = v;
  }
  return [...byTime].sort(([a], [b]) => a - b).map(([t, values]) => ({ t, values }));
}

/**
 * Fuel economy integrates step by step, holding each value until the next sample. A step longer
 * than this is a hole in the data (engine off, no coverage), not a stretch at constant speed.
 * (Trips, like health, join readings by the driving model's rules: platform/driving.)
 */
export const MAX_STEP_MS = 10_000;
