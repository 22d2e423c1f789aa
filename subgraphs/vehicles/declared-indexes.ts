import type { IndexDeclaration } from '../../platform/mongo/indexes.js';
import { DEVICE_INDEXES, DeviceStore } from './devices/device.store.js';
import { PROVISIONING_REQUEST_INDEXES, ProvisioningRequests } from './provisioning/provisioning-requests.store.js';
import { VEHICLE_INDEXES, VehicleStore } from './vehicles/vehicle.store.js';

/** Every index the vehicles stores declare, by collection (the VIN and serial claims are read by `_id` only). */
export const VEHICLES_INDEXES: Readonly<Record<string, IndexDeclaration[]>> = {
  [VehicleStore.collection]: VEHICLE_INDEXES,
  [VehicleStore.vinClaimsCollection]: [],
  [DeviceStore.collection]: DEVICE_INDEXES,
  [DeviceStore.serialClaimsCollection]: [],
  [ProvisioningRequests.collection]: PROVISIONING_REQUEST_INDEXES,
};
