import type { Router } from 'express';
import { InternalReply, serveInternalRoute } from '../../../platform/http/internal-route.js';
import { identityRoutes } from '../contract.js';
import type { ApiKeyService } from './api-key.service.js';

const INVALID = new InternalReply(401, { valid: false });

/** Service-to-service: the gateway asks here whether an `x-api-key` is live, and what it may do. */
export function mountApiKeyVerification(router: Router, keys: ApiKeyService): void {
  serveInternalRoute(
    router,
    identityRoutes.verifyApiKey,
    async ({ credential }) => {
      const verified = await keys.verify(credential);
      return verified ? { valid: true as const, ...verified } : INVALID;
    },
    // A credential that is not even a string is no key either.
    { invalid: () => INVALID },
  );
}
