import type { Router } from 'express';
import { serveInternalRoute } from '../../../platform/http/internal-route.js';
import { identityRoutes } from '../contract.js';
import type { SessionRevocations } from './session-revocations.js';

/** Service-to-service: a starting gateway loads the sessions it must still refuse. */
export function mountRevokedSessionsRoute(router: Router, revocations: SessionRevocations): void {
  serveInternalRoute(router, identityRoutes.revokedSessions, () => revocations.recent());
}
