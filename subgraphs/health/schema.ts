import type { GraphQLSchema } from 'graphql';
import type { PartnerAccess } from '../../platform/access/partner-access.js';
import type { VehicleAccess } from '../../platform/access/vehicle-access.js';
import { buildSubgraphSchema } from '../../platform/subgraph/build-subgraph-schema.js';
import { authChecker } from '../../platform/subgraph/context.js';
import { resolverOptions, resolverRegistry } from '../../platform/subgraph/resolvers.js';
import { AcknowledgeAlertResolver } from './alerts/acknowledge-alert.resolver.js';
import type { AlertService } from './alerts/alert.service.js';
import type { AlertStore } from './alerts/alert.store.js';
import { FleetAlertsResolver } from './alerts/fleet-alerts.resolver.js';
import { alertReferenceResolver } from './alerts/alert.reference.js';
import { HealthAlertsResolver } from './alerts/health-alerts.resolver.js';
import { VehicleAlertsResolver } from './alerts/vehicle-alerts.resolver.js';
import type { EstimatesService } from './estimates/estimates.service.js';
import { HealthEstimatesResolver } from './estimates/health-estimates.resolver.js';
import { VehicleEstimatesResolver } from './estimates/vehicle-estimates.resolver.js';
import type { MaintenanceService } from './maintenance/maintenance.service.js';
import { RecordServiceResolver } from './maintenance/record-service.resolver.js';
import { VehicleMaintenanceResolver } from './maintenance/vehicle-maintenance.resolver.js';
import { HealthReportResolver } from './reports/health-report.resolver.js';
import type { HealthReportService } from './reports/health-report.service.js';
import { HealthHistoryResolver } from './scoring/health-history.resolver.js';
import type { HealthReader } from './scoring/health-reader.js';
import type { SnapshotStore } from './scoring/snapshot.store.js';
import { VehicleHealthResolver } from './scoring/vehicle-health.resolver.js';
import { resolveVehicleReference, Vehicle } from './vehicles/vehicle.type.js';

/** What health's resolvers are constructed from, by name. */
export interface HealthResolverDeps {
  access: VehicleAccess;
  /** Centre members read the health of vehicles booked at their centres. */
  partners: PartnerAccess;
  reader: HealthReader;
  snapshots: SnapshotStore;
  alerts: AlertStore;
  alertService: AlertService;
  maintenance: MaintenanceService;
  estimates: EstimatesService;
  reports: HealthReportService;
}

const resolver = resolverRegistry<HealthResolverDeps>();

/** Every resolver, with the dependencies its constructor takes: the schema's list and its instances. */
export const HEALTH_RESOLVERS = [
  resolver(VehicleHealthResolver, 'access', 'reader', 'partners'),
  resolver(HealthHistoryResolver, 'access', 'snapshots'),
  resolver(VehicleAlertsResolver, 'access', 'alerts', 'partners'),
  resolver(FleetAlertsResolver, 'alerts'),
  resolver(AcknowledgeAlertResolver, 'alertService'),
  resolver(HealthAlertsResolver),
  resolver(RecordServiceResolver, 'maintenance'),
  resolver(VehicleMaintenanceResolver, 'access', 'reader', 'maintenance'),
  resolver(VehicleEstimatesResolver, 'access'),
  resolver(HealthEstimatesResolver, 'estimates'),
  resolver(HealthReportResolver, 'access', 'reports'),
];

/** Constructs every resolver from `deps` (a missing one stops here); without them, the schema to print. */
export async function buildHealthSchema(deps?: HealthResolverDeps): Promise<GraphQLSchema> {
  return buildSubgraphSchema(
    {
      ...resolverOptions(HEALTH_RESOLVERS, deps),
      orphanedTypes: [Vehicle],
      authChecker,
    },
    {
      Vehicle: { __resolveReference: resolveVehicleReference },
      ...(deps ? { HealthAlert: { __resolveReference: alertReferenceResolver(deps.access, deps.alerts) } } : {}),
    },
  );
}
