import type { Router } from 'express';
import type { UserStore } from './user.store.js';

/** Service-to-service: account counts for the agents' customers goal. Answers `{ customers }`. */
export function mountStatsRoute(router: Router, users: UserStore): void {
  router.post('/internal/stats', async (_req, res, next) => {
    try {
      res.json({ customers: await users.countWithRole('CUSTOMER') });
    } catch (error) {
      next(error);
    }
  });
}
