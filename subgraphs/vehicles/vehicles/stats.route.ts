import type { Router } from 'express';
import { serveInternalRoute } from '../../../platform/http/internal-route.js';
import { vehiclesRoutes } from '../contract.js';
import type { DeviceStore } from '../devices/device.store.js';
import type { VehicleStore } from './vehicle.store.js';

/** Service-to-service: how many vehicles and live OBD devices there are (the agents' goals). See contract.ts. */
export function mountStatsRoute(router: Router, vehicles: VehicleStore, devices: DeviceStore): void {
  serveInternalRoute(router, vehiclesRoutes.stats, async () => {
    const [count, activeDevices] = await Promise.all([vehicles.countAllActive(), devices.countAllActive()]);
    return { vehicles: count, activeDevices };
  });
}
