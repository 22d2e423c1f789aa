import type { Severity } from '../../../platform/vocabulary/severity.js';
import type { PartName, PartStatus } from '../parts/part.js';

/** An alert as the reducer opens it (times in epoch ms). */
export interface OpenedAlert {
  id: string;
  vehicleId: string;
  rule: string;
  part: PartName | null;
  severity: Severity;
  message: string;
  value: number;
  threshold: number;
  openedAt: number;
  /** When the condition began (openedAt minus the minimum duration it had to last). */
  conditionSince: number;
}

export interface SnapshotRecord {
  vehicleId: string;
  /** UTC day, YYYY-MM-DD. */
  day: string;
  at: number;
  score: number;
  grade: string;
  parts: { part: PartName; score: number; status: PartStatus }[];
}

/**
 * What a state change must do outside the state document. Each is idempotent (a deterministic
 * id, an upsert, a conditional update), because a crash between committing the state and
 * finishing these means they run again.
 */
export type Effect =
  | { kind: 'open-alert'; alert: OpenedAlert }
  | { kind: 'resolve-alert'; alertId: string; vehicleId: string; at: number; value: number | null }
  | { kind: 'acknowledge-alert'; alertId: string; by: string; at: number }
  | { kind: 'snapshot'; snapshot: SnapshotRecord };

/** Deterministic: the state's per-rule counter numbers the alerts, so a replay makes the same id. */
export const alertIdOf = (vehicleId: string, rule: string, number: number) => `${vehicleId}:${rule}:${number}`;
