import type { AuthChecker } from 'type-graphql';
import type { Viewer } from '../auth/viewer.js';
import { ForbiddenError, UnauthenticatedError } from '../errors.js';
import type { Logger } from '../logger.js';

export interface SubgraphContext {
  viewer?: Viewer;
  requestId: string;
  logger: Logger;
  /** The caller's address as the gateway saw it. */
  clientIp?: string;
}

/** An `@Authorized` entry that lets API keys holding this scope through. */
export const scope = (name: string) => `scope:${name}`;
/** The `@Authorized` entry that lets OBD device credentials through. */
export const DEVICE = 'DEVICE';

/**
 * `@Authorized()` admits any signed-in user; `@Authorized('ADMIN', scope('audit:read'))`
 * admits admins and API keys with that scope. Devices pass only where DEVICE is listed.
 */
export const authChecker: AuthChecker<SubgraphContext> = ({ context }, allowed) => {
  const viewer = context.viewer;
  if (!viewer) throw new UnauthenticatedError();
  switch (viewer.kind) {
    case 'user':
      if (allowed.length === 0 || viewer.roles.some((role) => allowed.includes(role))) return true;
      break;
    case 'apiKey':
      if (viewer.scopes.some((s) => allowed.includes(scope(s)))) return true;
      break;
    case 'device':
      if (allowed.includes(DEVICE)) return true;
      break;
  }
  throw new ForbiddenError();
};

export function requireUser(context: SubgraphContext): Extract<Viewer, { kind: 'user' }> {
  const viewer = context.viewer;
  if (!viewer) throw new UnauthenticatedError();
  if (viewer.kind !== 'user') throw new ForbiddenError('This operation needs a user account');
  return viewer;
}
