import type { Router } from 'express';
import type { DeviceService } from './device.service.js';

/** Service-to-service: the gateway asks whether a `dt_...` bearer token is live, and for which vehicle. */
export function mountDeviceVerification(router: Router, devices: DeviceService): void {
  router.post('/internal/devices/verify', async (req, res, next) => {
    try {
      const verified = await devices.verify(req.body?.credential);
      if (!verified) return void res.status(401).json({ valid: false });
      res.json({ valid: true, ...verified });
    } catch (error) {
      next(error);
    }
  });
}
