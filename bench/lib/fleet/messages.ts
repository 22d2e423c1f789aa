import type { StoredReadings } from '../telemetry/stored-readings.js';

/* What bench/fleet.ts asks the system's process (system-process.ts), and what it answers. */

export type SystemRequest =
  | { kind: 'start'; overrides: Record<string, string>; monitorCommands: boolean }
  | { kind: 'sample' }
  /** The statements that took the most time so far (empty unless started with monitorCommands). */
  | { kind: 'commands'; top: number }
  /** Where the uploads' time went so far, step by step (bench/lib/fleet/ingest-steps.ts). */
  | { kind: 'steps' }
  | { kind: 'count-readings'; vehicleIds: string[] }
  | { kind: 'stop' };

export interface SystemStarted {
  /** The gateway's /graphql URL. */
  url: string;
  pid: number;
  databasePid: number | null;
  database: string;
  adminEmail: string;
  adminPassword: string;
}

/** The system process since the previous sample. */
export interface SystemSample {
  seconds: number;
  /** How late its timers ran: time the event loop was busy with something else. */
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  systemCores: number;
  databaseCores: number | null;
  systemRssMb: number;
  systemHeapMb: number;
  databaseRssMb: number | null;
}

export type { StoredReadings };
