import type { GraphQLSchema } from 'graphql';
import { buildSubgraphSchema, type ResolverInstances } from '../../platform/subgraph/build-subgraph-schema.js';
import { authChecker } from '../../platform/subgraph/context.js';
import { DeviceMutationResolver } from './devices/device-mutation.resolver.js';
import { VehicleDevicesResolver } from './devices/vehicle-devices.resolver.js';
import { UserVehiclesResolver } from './owners/user-vehicles.resolver.js';
import { FleetResolver } from './provisioning/fleet.resolver.js';
import { resolveUserReference } from './owners/user.reference.js';
import { VehicleMutationResolver } from './vehicles/vehicle-mutation.resolver.js';
import { VehicleQueryResolver } from './vehicles/vehicle-query.resolver.js';
import { resolveVehicleReference } from './vehicles/vehicle.reference.js';

export const VEHICLES_RESOLVERS = [
  VehicleQueryResolver,
  VehicleMutationResolver,
  UserVehiclesResolver,
  VehicleDevicesResolver,
  DeviceMutationResolver,
  FleetResolver,
] as const;

/** `instances` maps each resolver class to its constructed instance (empty to print the SDL). */
export function buildVehiclesSchema(instances: ResolverInstances = new Map()): Promise<GraphQLSchema> {
  return buildSubgraphSchema(
    {
      resolvers: [...VEHICLES_RESOLVERS],
      authChecker,
      container: { get: (cls) => instances.get(cls) },
    },
    {
      Vehicle: { __resolveReference: resolveVehicleReference },
      User: { __resolveReference: resolveUserReference },
    },
  );
}
