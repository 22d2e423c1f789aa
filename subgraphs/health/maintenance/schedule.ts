import type { VehicleState } from '../state-machine/vehicle-state.js';
import { estimatedOdometer } from '../state-machine/vehicle-state.js';
import { drivingRate } from '../observations/usage.js';
import { DAY_MS, round, type PartAssessment, type PartName } from '../parts/part.js';
import { SERVICE_KIND_INFO, SERVICE_KINDS, type ServiceKind } from './service-kind.js';

export type Urgency = 'IMMEDIATE' | 'SOON' | 'ROUTINE';
export const URGENCY_RANK: Record<Urgency, number> = { IMMEDIATE: 0, SOON: 1, ROUTINE: 2 };

export interface ScheduleItem {
  kind: ServiceKind;
  title: string;
  lastDoneAt: number | null;
  /** Odometer reading it is due at; null until an odometer reading has been recorded. */
  dueAtKm: number | null;
  dueInKm: number | null;
  dueAt: number | null;
  dueInDays: number | null;
  urgency: Urgency;
  reason: string;
}

/** Due within this is SOON. */
const SOON_DAYS = 30;
const SOON_KM = 1000;

/** Which part's condition can bring a service forward. */
export const CONDITION_PART: Partial<Record<ServiceKind, PartName>> = {
  OIL_CHANGE: 'ENGINE_OIL',
  BATTERY_REPLACEMENT: 'BATTERY',
  BRAKE_SERVICE: 'BRAKES',
  TYRE_REPLACEMENT: 'TYRES',
  COOLANT_SERVICE: 'COOLING_SYSTEM',
  SPARK_PLUGS: 'IGNITION',
};

export const urgencyOf = (dueInDays: number | null, dueInKm: number | null): Urgency => {
  if ((dueInDays !== null && dueInDays <= 0) || (dueInKm !== null && dueInKm <= 0)) return 'IMMEDIATE';
  if ((dueInDays !== null && dueInDays <= SOON_DAYS) || (dueInKm !== null && dueInKm <= SOON_KM)) return 'SOON';
  return 'ROUTINE';
};

const minOf = (...values: (number | null)[]) => {
  const known = values.filter((v): v is number => v !== null && Number.isFinite(v));
  return known.length ? Math.min(...known) : null;
};

/**
 * When each service is due: by distance and time since it was last recorded (or since tracking
 * started), brought forward by what the part models see (oil life, battery voltages, pad wear).
 */
export function maintenanceSchedule(
  state: VehicleState,
  parts: readonly PartAssessment[],
  now: number,
): ScheduleItem[] {
  const { kmPerDay } = drivingRate(state.usage);
  const odometer = estimatedOdometer(state);
  const items = SERVICE_KINDS.map((kind): ScheduleItem => {
    const info = SERVICE_KIND_INFO[kind];
    const last = state.services[kind] ?? null;
    const since = last?.at ?? state.usage.firstAt ?? now;
    const kmSince = Math.max(0, state.usage.distanceKm - (last?.km ?? 0));
    const byKm = info.intervalKm === null ? null : info.intervalKm - kmSince;
    const byTime = info.intervalDays === null ? null : info.intervalDays - (now - since) / DAY_MS;
    const partName = CONDITION_PART[kind];
    const part = partName ? parts.find((p) => p.part === partName) : undefined;
    // A part in CRITICAL condition makes its service due now, whatever its interval says.
    const dueNow = part?.status === 'CRITICAL' ? 0 : null;
    const dueInKm = minOf(byKm, part?.remainingKm ?? null, dueNow);
    const dueInDays = minOf(byTime, part?.remainingDays ?? null, dueInKm === null ? null : dueInKm / kmPerDay, dueNow);

    const reasons: string[] = [];
    const interval = [
      info.intervalKm && `${info.intervalKm.toLocaleString('en')} km`,
      info.intervalDays && `${round(info.intervalDays / 30.4, 0)} months`,
    ]
      .filter(Boolean)
      .join(' or ');
    if (interval) reasons.push(`every ${interval}`);
    reasons.push(
      last
        ? `last done ${new Date(last.at).toISOString().slice(0, 10)}`
        : 'none recorded, counted from when tracking started',
    );
    if (part) reasons.push(`${part.name.toLowerCase()} ${part.status.toLowerCase()} (score ${part.score})`);
    return {
      kind,
      title: info.title,
      lastDoneAt: last?.at ?? null,
      dueAtKm: odometer !== null && dueInKm !== null ? round(odometer + dueInKm, 0) : null,
      dueInKm: dueInKm === null ? null : round(dueInKm, 0),
      dueAt: dueInDays === null ? null : now + dueInDays * DAY_MS,
      dueInDays: dueInDays === null ? null : round(dueInDays, 0),
      urgency: urgencyOf(dueInDays, dueInKm),
      reason: reasons.join('; '),
    };
  });
  return items.sort(
    (a, b) =>
      URGENCY_RANK[a.urgency] - URGENCY_RANK[b.urgency] || (a.dueInDays ?? Infinity) - (b.dueInDays ?? Infinity),
  );
}
