import type { GraphQLSchema } from 'graphql';
import { buildSubgraphSchema, type ResolverInstances } from '../../platform/subgraph/build-subgraph-schema.js';
import { authChecker } from '../../platform/subgraph/context.js';
import { AcknowledgeAlertResolver } from './alerts/acknowledge-alert.resolver.js';
import { FleetAlertsResolver } from './alerts/fleet-alerts.resolver.js';
import { HealthAlertsResolver } from './alerts/health-alerts.resolver.js';
import { VehicleAlertsResolver } from './alerts/vehicle-alerts.resolver.js';
import { HealthEstimatesResolver } from './estimates/health-estimates.resolver.js';
import { VehicleEstimatesResolver } from './estimates/vehicle-estimates.resolver.js';
import { RecordServiceResolver } from './maintenance/record-service.resolver.js';
import { VehicleMaintenanceResolver } from './maintenance/vehicle-maintenance.resolver.js';
import { HealthReportResolver } from './reports/health-report.resolver.js';
import { HealthHistoryResolver } from './scoring/health-history.resolver.js';
import { VehicleHealthResolver } from './scoring/vehicle-health.resolver.js';
import { resolveVehicleReference, Vehicle } from './vehicles/vehicle.type.js';

export const HEALTH_RESOLVERS = [
  VehicleHealthResolver,
  HealthHistoryResolver,
  VehicleAlertsResolver,
  FleetAlertsResolver,
  AcknowledgeAlertResolver,
  HealthAlertsResolver,
  RecordServiceResolver,
  VehicleMaintenanceResolver,
  VehicleEstimatesResolver,
  HealthEstimatesResolver,
  HealthReportResolver,
] as const;

/** `instances` maps each resolver class to its constructed instance (empty to print the SDL). */
export function buildHealthSchema(instances: ResolverInstances = new Map()): Promise<GraphQLSchema> {
  return buildSubgraphSchema(
    {
      resolvers: [...HEALTH_RESOLVERS],
      orphanedTypes: [Vehicle],
      authChecker,
      container: { get: (cls) => instances.get(cls) },
    },
    { Vehicle: { __resolveReference: resolveVehicleReference } },
  );
}
