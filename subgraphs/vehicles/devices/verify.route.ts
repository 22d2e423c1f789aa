import type { Router } from 'express';
import { InternalReply, serveInternalRoute } from '../../../platform/http/internal-route.js';
import { vehiclesRoutes } from '../contract.js';
import type { DeviceService } from './device.service.js';

const INVALID = new InternalReply(401, { valid: false });

/** Service-to-service: the gateway asks whether a `dt_...` bearer token is live, and for which vehicle. */
export function mountDeviceVerification(router: Router, devices: DeviceService): void {
  serveInternalRoute(
    router,
    vehiclesRoutes.verifyDevice,
    async ({ credential }) => {
      const verified = await devices.verify(credential);
      return verified ? { valid: true as const, ...verified } : INVALID;
    },
    // A credential that is not even a string is no token either.
    { invalid: () => INVALID },
  );
}
