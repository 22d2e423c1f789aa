import type { Db } from 'mongodb';
import type { OrgGrants } from '../../platform/access/org-grants.js';
import type { PartnerAccess } from '../../platform/access/partner-access.js';
import type { EventBus } from '../../platform/events/bus.js';
import type { Logger } from '../../platform/logger.js';
import { databaseCheck } from '../../platform/mongo/database-check.js';
import type { Subgraph } from '../../platform/subgraph/serve-subgraph.js';
import { DeviceService, type DeviceLimits } from './devices/device.service.js';
import { DeviceStore } from './devices/device.store.js';
import { mountDeviceVerification } from './devices/verify.route.js';
import type { AccountDirectory } from './provisioning/accounts.js';
import { FleetProvisioningService } from './provisioning/fleet-provisioning.service.js';
import { ProvisioningRequests } from './provisioning/provisioning-requests.store.js';
import { buildVehiclesSchema } from './schema.js';
import { mountOwnershipRoute } from './vehicles/ownership.route.js';
import { mountProfileRoute } from './vehicles/profile.route.js';
import { mountStatsRoute } from './vehicles/stats.route.js';
import { createVehicleLoaders } from './vehicles/vehicle.loader.js';
import { VehicleService, type VehicleLimits } from './vehicles/vehicle.service.js';
import { VehicleStore } from './vehicles/vehicle.store.js';
import { serveIndexCheck } from '../../platform/ops/index-check.js';
import { vehiclesRoutes } from './contract.js';
import { VEHICLES_INDEXES } from './declared-indexes.js';

export type VehiclesSettings = VehicleLimits & DeviceLimits;

export const DEFAULT_VEHICLES_SETTINGS: VehiclesSettings = { maxVehiclesPerOwner: 50, maxDevicesPerVehicle: 5 };

export interface VehiclesDeps {
  db: Db;
  bus: EventBus;
  logger: Logger;
  /** Identity's accounts, for provisionFleet. */
  accounts: AccountDirectory;
  /** Which vehicles centre members work on (the marketplace); nobody's when unset. */
  partners?: PartnerAccess;
  /** Owners' grants to organisations (notifications); no API key sees a vehicle when unset. */
  grants?: OrgGrants;
  settings?: Partial<VehiclesSettings>;
}

export async function createVehiclesSubgraph({
  db,
  bus,
  logger,
  accounts,
  settings,
  partners,
  grants,
}: VehiclesDeps): Promise<Subgraph> {
  const limits = { ...DEFAULT_VEHICLES_SETTINGS, ...settings };
  const vehicleStore = new VehicleStore(db);
  const deviceStore = new DeviceStore(db);
  const provisioningRequests = new ProvisioningRequests(db);
  await Promise.all([vehicleStore.init(), deviceStore.init(), provisioningRequests.init()]);

  const devices = new DeviceService(deviceStore, vehicleStore, bus, limits);
  const vehicles = new VehicleService(vehicleStore, devices, bus, limits);
  const fleet = new FleetProvisioningService({
    vehicles: vehicleStore,
    devices: deviceStore,
    requests: provisioningRequests,
    accounts,
    bus,
    logger,
    limits,
  });

  return {
    name: 'vehicles',
    schema: await buildVehiclesSchema({ vehicles, devices, fleet }),
    context: () => ({ loaders: createVehicleLoaders(vehicleStore), partners, grants }),
    internalRoutes: (router) => {
      serveIndexCheck(router, vehiclesRoutes.indexes, 'vehicles', db, VEHICLES_INDEXES);
      mountDeviceVerification(router, devices);
      mountOwnershipRoute(router, vehicleStore);
      mountProfileRoute(router, vehicleStore);
      mountStatsRoute(router, vehicleStore, deviceStore);
    },
    healthChecks: { database: databaseCheck(db) },
  };
}
