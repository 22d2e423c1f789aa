import { ServiceUnavailableError } from '../../../platform/errors.js';
import { isOutage } from '../../../platform/http/internal-route.js';
import { healthClient } from '../../health/contract.js';

/** Whether an alert is one of a vehicle's (health owns alerts): what a booking may cite. */
export interface VehicleAlerts {
  belongs(vehicleId: string, alertId: string): Promise<boolean>;
}

/** For services built without health (unit tests): no alert is anybody's, so none is cited. */
export const NO_VEHICLE_ALERTS: VehicleAlerts = { belongs: async () => false };

/**
 * Asks health's vehicle-alert route (health/contract.ts). Health unreachable is
 * SERVICE_UNAVAILABLE: a booking citing an alert is refused, not stored unchecked.
 */
export class HttpVehicleAlerts implements VehicleAlerts {
  constructor(private readonly options: { healthUrl: string | (() => string); internalSecret: string }) {}

  async belongs(vehicleId: string, alertId: string): Promise<boolean> {
    const { healthUrl, internalSecret } = this.options;
    const url = typeof healthUrl === 'function' ? healthUrl() : healthUrl;
    try {
      return (await healthClient({ url, internalSecret }).vehicleAlert({ vehicleId, alertId })).belongs;
    } catch (error) {
      if (isOutage(error)) throw new ServiceUnavailableError();
      throw error;
    }
  }
}
