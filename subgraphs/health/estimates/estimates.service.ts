import { UNRESOLVED, type AlertStore } from '../alerts/alert.store.js';
import { toOpenIssue } from '../alerts/open-issues.js';
import { estimatedOdometer } from '../state-machine/vehicle-state.js';
import type { ServiceRecordStore } from '../maintenance/service-record.store.js';
import { drivingRate } from '../observations/usage.js';
import { DAY_MS } from '../parts/part.js';
import type { HealthReader } from '../scoring/health-reader.js';
import type { VehicleProfiles } from '../vehicles/vehicle-profiles.js';
import type { ProfileDocument } from '../vehicles/vehicle-profile.store.js';
import { compareWithPeers, type Comparison } from './comparison.js';
import { estimateInsurance, type InsuranceEstimate } from './insurance.js';
import { estimateResale, type ResaleEstimate } from './resale.js';
import { assessRoadSafety, type RoadSafetyEstimate } from './road-safety.js';
import { safetyIssuesOf } from './safety-issues.js';
import { estimateWarranty, type WarrantyEstimate } from './warranty.js';

const INCIDENT_WINDOW_DAYS = 90;

/** Gathers the inputs each estimate needs; the estimates themselves are pure functions. */
export class EstimatesService {
  constructor(
    private readonly reader: HealthReader,
    private readonly alerts: AlertStore,
    private readonly records: ServiceRecordStore,
    private readonly profiles: VehicleProfiles,
  ) {}

  async insurance(request: object, vehicleId: string): Promise<InsuranceEstimate> {
    const { state, assessment, now } = await this.reader.read(request, vehicleId);
    const recent = await this.alerts.openedSince(vehicleId, new Date(now - INCIDENT_WINDOW_DAYS * DAY_MS));
    const { kmPerDay, measured } = drivingRate(state.usage);
    const km = state.usage.distanceKm;
    return estimateInsurance({
      healthScore: assessment.score,
      hardStopsPer100Km: km >= 1 ? (state.usage.harshBrakes / km) * 100 : null,
      overheatingEpisodes: state.parts.COOLING_SYSTEM.episodes,
      criticalAlerts90Days: recent.filter((a) => a.severity === 'CRITICAL').length,
      kmPerDay,
      kmPerDayMeasured: measured,
    });
  }

  async resale(request: object, vehicleId: string): Promise<ResaleEstimate> {
    const { state, assessment } = await this.reader.read(request, vehicleId);
    const [open, servicesRecorded] = await Promise.all([
      this.alerts.forVehicle(vehicleId, UNRESOLVED),
      this.records.count(vehicleId),
    ]);
    const { kmPerDay, measured } = drivingRate(state.usage);
    return estimateResale({
      healthScore: assessment.score,
      seriousOpenIssues: open.filter((a) => a.severity === 'HIGH' || a.severity === 'CRITICAL').length,
      servicesRecorded,
      kmPerDay,
      kmPerDayMeasured: measured,
    });
  }

  async warranty(request: object, vehicleId: string): Promise<WarrantyEstimate> {
    const [{ state, now }, profile] = await Promise.all([
      this.reader.read(request, vehicleId),
      this.profile(vehicleId),
    ]);
    return estimateWarranty(profile?.make ?? null, profile?.year ?? null, estimatedOdometer(state), now);
  }

  async roadSafety(request: object, vehicleId: string): Promise<RoadSafetyEstimate> {
    return assessRoadSafety(await this.safetyInputs(request, vehicleId));
  }

  async safetyInputs(request: object, vehicleId: string) {
    const [{ assessment }, open] = await Promise.all([
      this.reader.read(request, vehicleId),
      this.alerts.forVehicle(vehicleId, UNRESOLVED),
    ]);
    return safetyIssuesOf(assessment, open.map(toOpenIssue));
  }

  async similarVehicles(request: object, vehicleId: string): Promise<Comparison> {
    const [{ assessment }, profile] = await Promise.all([
      this.reader.read(request, vehicleId),
      this.profile(vehicleId),
    ]);
    const vehicle = {
      make: profile?.make ?? null,
      model: profile?.model ?? null,
      year: profile?.year ?? null,
      score: assessment.score,
    };
    if (!profile?.similarKey) return compareWithPeers(vehicle, []);
    const peerIds = (await this.profiles.similar(profile.similarKey)).filter((id) => id !== vehicleId);
    const peers = await this.reader.loadMany(peerIds);
    return compareWithPeers(vehicle, peers);
  }

  /** A vehicles subgraph that cannot answer makes the estimates say "unknown", not fail. */
  private profile(vehicleId: string): Promise<ProfileDocument | null> {
    return this.profiles.get(vehicleId).catch(() => null);
  }
}
