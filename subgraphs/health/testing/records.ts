import type { OpenedAlert, SnapshotRecord } from '../state-machine/effects.js';
import { utcDay } from '../state-machine/reduce.js';

/** An alert as the reducer would open it at `openedAt` (epoch ms). */
export const openedAlert = (id: string, vehicleId: string, openedAt: number): OpenedAlert => ({
  id,
  vehicleId,
  rule: 'coolant-overheat',
  part: 'COOLING_SYSTEM',
  severity: 'CRITICAL',
  message: 'Engine coolant is overheating',
  value: 120,
  threshold: 110,
  openedAt,
  conditionSince: openedAt - 60_000,
});

/** The day's snapshot of a vehicle, taken at `at` (epoch ms). */
export const snapshotAt = (vehicleId: string, at: number): SnapshotRecord => ({
  vehicleId,
  day: utcDay(at),
  at,
  score: 80,
  grade: 'B',
  parts: [{ part: 'COOLING_SYSTEM', score: 80, status: 'GOOD' }],
});
