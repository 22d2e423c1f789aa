import { scope } from '../platform/subgraph/context.js';

/** Who may read the team's work: admins, staff, and API keys holding `agents:read` (dashboards). */
export const READERS = ['ADMIN', 'STAFF', scope('agents:read')];
/** Who may steer it: admins only. */
export const OPERATORS = ['ADMIN'];
