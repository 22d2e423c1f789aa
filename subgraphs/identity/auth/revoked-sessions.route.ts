import type { Router } from 'express';
import { REVOKED_SESSIONS_ROUTE } from '../contract.js';
import type { SessionRevocations } from './session-revocations.js';

/** Service-to-service: a starting gateway loads the sessions it must still refuse. */
export function mountRevokedSessionsRoute(router: Router, revocations: SessionRevocations): void {
  router.get(REVOKED_SESSIONS_ROUTE, async (_req, res, next) => {
    try {
      res.json(await revocations.recent());
    } catch (error) {
      next(error);
    }
  });
}
