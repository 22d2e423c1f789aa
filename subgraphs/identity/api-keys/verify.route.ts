import type { Router } from 'express';
import type { ApiKeyService } from './api-key.service.js';

/** Service-to-service: the gateway asks here whether an `x-api-key` is live, and what it may do. */
export function mountApiKeyVerification(router: Router, keys: ApiKeyService): void {
  router.post('/internal/api-keys/verify', async (req, res, next) => {
    try {
      const key = typeof req.body?.credential === 'string' ? req.body.credential : '';
      const verified = await keys.verify(key);
      if (!verified) return void res.status(401).json({ valid: false });
      res.json({ valid: true, ...verified });
    } catch (error) {
      next(error);
    }
  });
}
