import type { PartName } from '../parts/part.js';

export const SERVICE_KINDS = [
  'OIL_CHANGE',
  'BATTERY_REPLACEMENT',
  'BRAKE_SERVICE',
  'TYRE_REPLACEMENT',
  'COOLANT_SERVICE',
  'SPARK_PLUGS',
  'INSPECTION',
] as const;
export type ServiceKind = (typeof SERVICE_KINDS)[number];

export interface ServiceKindInfo {
  title: string;
  /** Parts whose model starts again from new. */
  renews: PartName[];
  /** Alert rules whose open alert the service ends at once (the data will confirm it later). */
  resolves: string[];
  /** The usual interval, by distance and by time; null where only condition decides. */
  intervalKm: number | null;
  intervalDays: number | null;
}

export const SERVICE_KIND_INFO: Record<ServiceKind, ServiceKindInfo> = {
  OIL_CHANGE: {
    title: 'Oil change',
    renews: ['ENGINE_OIL'],
    resolves: ['oil-life-low'],
    intervalKm: 15_000,
    intervalDays: 365,
  },
  BATTERY_REPLACEMENT: {
    title: 'Battery replacement',
    renews: ['BATTERY'],
    resolves: ['battery-resting-low'],
    intervalKm: null,
    intervalDays: 5 * 365,
  },
  BRAKE_SERVICE: {
    title: 'Brake inspection',
    renews: ['BRAKES'],
    resolves: [],
    intervalKm: 20_000,
    intervalDays: 365,
  },
  TYRE_REPLACEMENT: {
    title: 'Tyre replacement',
    renews: ['TYRES'],
    resolves: [],
    intervalKm: 50_000,
    intervalDays: 6 * 365,
  },
  COOLANT_SERVICE: {
    title: 'Coolant service',
    renews: ['COOLING_SYSTEM'],
    resolves: [],
    intervalKm: 60_000,
    intervalDays: 2 * 365,
  },
  SPARK_PLUGS: {
    title: 'Spark plug replacement',
    renews: ['IGNITION'],
    resolves: [],
    intervalKm: 60_000,
    intervalDays: null,
  },
  INSPECTION: { title: 'General inspection', renews: [], resolves: [], intervalKm: 20_000, intervalDays: 365 },
};
