import { isStaff, type Viewer } from '../../../platform/auth/viewer.js';
import { ForbiddenError, NotFoundError } from '../../../platform/errors.js';

export type UserViewer = Extract<Viewer, { kind: 'user' }>;

/** Object-level rule: staff and admins reach every vehicle, everyone else only their own. */
export const canAccessVehicle = (viewer: UserViewer, ownerId: string): boolean =>
  isStaff(viewer) || viewer.userId === ownerId;

/**
 * Returns the vehicle when the viewer may reach it. A customer gets FORBIDDEN both for another
 * owner's vehicle and for one that does not exist, so ids cannot be probed; staff get NOT_FOUND.
 */
export function assertVehicleAccess<T extends { ownerId: string }>(
  viewer: UserViewer,
  vehicle: T | null,
  what = 'Vehicle',
): T {
  if (vehicle && canAccessVehicle(viewer, vehicle.ownerId)) return vehicle;
  if (!isStaff(viewer)) throw new ForbiddenError('Not your vehicle');
  throw new NotFoundError(what);
}
