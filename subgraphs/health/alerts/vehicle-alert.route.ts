import type { Router } from 'express';
import { serveInternalRoute } from '../../../platform/http/internal-route.js';
import { healthRoutes } from '../contract.js';
import type { AlertStore } from './alert.store.js';

/** Service-to-service (contract.ts): whether an alert is one of a vehicle's (the marketplace's bookings cite them). */
export function mountVehicleAlertRoute(router: Router, alerts: Pick<AlertStore, 'findById'>): void {
  serveInternalRoute(router, healthRoutes.vehicleAlert, async ({ vehicleId, alertId }) => ({
    belongs: (await alerts.findById(alertId))?.vehicleId === vehicleId,
  }));
}
