import type { GraphQLSchema } from 'graphql';
import { buildSubgraphSchema } from '../../platform/subgraph/build-subgraph-schema.js';
import { authChecker } from '../../platform/subgraph/context.js';
import { resolverOptions, resolverRegistry } from '../../platform/subgraph/resolvers.js';
import { DeviceMutationResolver } from './devices/device-mutation.resolver.js';
import type { DeviceService } from './devices/device.service.js';
import { VehicleDevicesResolver } from './devices/vehicle-devices.resolver.js';
import { UserVehiclesResolver } from './owners/user-vehicles.resolver.js';
import type { FleetProvisioningService } from './provisioning/fleet-provisioning.service.js';
import { FleetResolver } from './provisioning/fleet.resolver.js';
import { resolveUserReference } from './owners/user.reference.js';
import { VehicleMutationResolver } from './vehicles/vehicle-mutation.resolver.js';
import { VehicleQueryResolver } from './vehicles/vehicle-query.resolver.js';
import { resolveVehicleReference } from './vehicles/vehicle.reference.js';
import type { VehicleService } from './vehicles/vehicle.service.js';

/** What the vehicles subgraph's resolvers are constructed from, by name. */
export interface VehiclesResolverDeps {
  vehicles: VehicleService;
  devices: DeviceService;
  fleet: FleetProvisioningService;
}

const resolver = resolverRegistry<VehiclesResolverDeps>();

/** Every resolver, with the dependencies its constructor takes: the schema's list and its instances. */
export const VEHICLES_RESOLVERS = [
  resolver(VehicleQueryResolver, 'vehicles'),
  resolver(VehicleMutationResolver, 'vehicles'),
  resolver(UserVehiclesResolver),
  resolver(VehicleDevicesResolver, 'devices'),
  resolver(DeviceMutationResolver, 'devices'),
  resolver(FleetResolver, 'fleet'),
];

/** Constructs every resolver from `deps` (a missing one stops here); without them, the schema to print. */
export async function buildVehiclesSchema(deps?: VehiclesResolverDeps): Promise<GraphQLSchema> {
  return buildSubgraphSchema(
    { ...resolverOptions(VEHICLES_RESOLVERS, deps), authChecker },
    {
      Vehicle: { __resolveReference: resolveVehicleReference },
      User: { __resolveReference: resolveUserReference },
    },
  );
}
