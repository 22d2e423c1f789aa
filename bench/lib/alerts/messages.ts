import type { LatencySummary } from '../latency.js';

export interface Target {
  vehicleId: string;
  deviceToken: string;
}

export interface LatencySettings {
  gatewayUrl: string;
  /** Staff: subscribes to every vehicle's alerts. */
  adminToken: string;
  fleet: Target[];
  probes: Target[];
  /** Vehicles whose overheating events the main process appends straight to `telemetry.readings`. */
  direct: string[];
  warmup: Target[];
  uploadsPerSecond: number;
  probesPerSecond: number;
  warmupSeconds: number;
}

export interface LatencyResult {
  /** `skipped`: ticks of the fleet's pace dropped because too many uploads were still unanswered. */
  uploads: { sent: number; failed: number; skipped: number; perSecond: number; latencyMs: LatencySummary };
  probes: { sent: number; failed: number; delivered: number; latencyMs: LatencySummary };
  /** Alerts the subscriber received that no probe asked for (a simulated fault, a duplicate). */
  /** When each `direct` vehicle's alert arrived (epoch ms: the sender is another process). */
  directReceivedAt: Record<string, number>;
  otherAlerts: number;
  duplicates: number;
  seconds: number;
}

export type ClientRequest = { kind: 'latency'; settings: LatencySettings };
