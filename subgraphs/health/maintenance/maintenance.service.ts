import { ObjectId } from 'mongodb';
import { z } from 'zod';
import { authorizeVehicle, type VehicleAccess } from '../../../platform/access/vehicle-access.js';
import type { Viewer } from '../../../platform/auth/viewer.js';
import { ForbiddenError, UnauthenticatedError } from '../../../platform/errors.js';
import { parseInput } from '../../../platform/graphql/parse-input.js';
import { UNRESOLVED, type AlertStore } from '../alerts/alert.store.js';
import { toOpenIssue } from '../alerts/open-issues.js';
import type { HealthProcessor } from '../state-machine/health-processor.js';
import { estimatedOdometer } from '../state-machine/vehicle-state.js';
import { round } from '../parts/part.js';
import type { AssessedVehicle } from '../scoring/health-reader.js';
import { recommend, type Recommendation } from './recommendations.js';
import { maintenanceSchedule, type ScheduleItem } from './schedule.js';
import { SERVICE_KINDS, type ServiceKind } from './service-kind.js';
import type { ServiceRecordDocument, ServiceRecordStore } from './service-record.store.js';

/** A service may be recorded a little ahead of the server's clock (a phone's clock drifts). */
const CLOCK_SKEW_MS = 5 * 60_000;
const EARLIEST = Date.UTC(1980, 0, 1);

const recordSchema = (now: number) =>
  z.object({
    vehicleId: z.string().min(1).max(64, 'vehicleId is not a vehicle id'),
    kind: z.enum(SERVICE_KINDS),
    odometerKm: z
      .number()
      .min(0, 'odometerKm must not be negative')
      .max(2_000_000, 'odometerKm must be at most 2,000,000')
      .nullable(),
    at: z
      .date()
      .refine((d) => d.getTime() <= now + CLOCK_SKEW_MS, 'at must not be in the future')
      .refine((d) => d.getTime() >= EARLIEST, 'at must be in 1980 or later'),
  });

export interface MaintenancePlanData {
  schedule: ScheduleItem[];
  recommendations: Recommendation[];
  services: ServiceRecordDocument[];
  odometerKm: number | null;
  trackedKm: number;
}

export class MaintenanceService {
  constructor(
    private readonly records: ServiceRecordStore,
    private readonly processor: HealthProcessor,
    private readonly alerts: AlertStore,
    private readonly access: VehicleAccess,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /**
   * Records a service done and renews the models that depend on it, through the same
   * versioned state as telemetry (so it never races an event). Owners and staff only.
   */
  async recordService(
    viewer: Viewer | undefined,
    input: { vehicleId: string; kind: ServiceKind; odometerKm?: number | null; at?: Date | null },
  ): Promise<ServiceRecordDocument> {
    if (!viewer) throw new UnauthenticatedError();
    if (viewer.kind !== 'user') throw new ForbiddenError('Only the owner or staff can record services');
    const now = this.clock();
    const parsed = parseInput(recordSchema(now.getTime()), {
      vehicleId: input.vehicleId,
      kind: input.kind,
      odometerKm: input.odometerKm ?? null,
      at: input.at ?? now,
    });
    await authorizeVehicle(this.access, viewer, parsed.vehicleId, 'read');
    const doc: ServiceRecordDocument = { _id: new ObjectId(), ...parsed, recordedBy: viewer.userId, recordedAt: now };
    await this.records.insert(doc);
    try {
      await this.processor.apply(parsed.vehicleId, `service:${doc._id.toHexString()}`, {
        kind: 'service',
        service: parsed.kind,
        at: parsed.at.getTime(),
        odometerKm: parsed.odometerKm,
      });
    } catch (error) {
      // The models were not renewed: the record must not claim they were.
      await this.records.remove(doc._id).catch(() => undefined);
      throw error;
    }
    return doc;
  }

  async plan(vehicleId: string, { state, assessment, now }: AssessedVehicle): Promise<MaintenancePlanData> {
    const [services, open] = await Promise.all([
      this.records.forVehicle(vehicleId),
      this.alerts.forVehicle(vehicleId, UNRESOLVED),
    ]);
    const schedule = maintenanceSchedule(state, assessment.parts, now);
    const odometer = estimatedOdometer(state);
    return {
      schedule,
      recommendations: recommend(assessment.parts, open.map(toOpenIssue), schedule),
      services,
      odometerKm: odometer === null ? null : round(odometer, 0),
      trackedKm: round(state.usage.distanceKm),
    };
  }
}
