import type { ObjectId } from 'mongodb';
import { isStaff, type Viewer } from '../../../platform/auth/viewer.js';
import { ForbiddenError, NotFoundError, UnauthenticatedError } from '../../../platform/errors.js';
import type { CentreDocument } from '../centres/centre.store.js';

export type UserViewer = Extract<Viewer, { kind: 'user' }>;

/** The centres parts, stock and orders belong to (the centre store): membership lives there. */
export interface CentreSource {
  findById(id: ObjectId): Promise<CentreDocument | null>;
}

export function requireUser(viewer: Viewer | undefined): UserViewer {
  if (!viewer) throw new UnauthenticatedError();
  if (viewer.kind !== 'user') throw new ForbiddenError('Only signed-in users may do this');
  return viewer;
}

export const isMember = (centre: Pick<CentreDocument, 'memberIds'>, userId: string) =>
  centre.memberIds.includes(userId);

/**
 * The centre, when `user` is one of its members (owner or staff); platform staff too when
 * `staffMayRead`. FORBIDDEN for anyone else; NOT_FOUND when there is no such centre.
 */
export async function centreForMember(
  centres: CentreSource,
  user: UserViewer,
  centreId: ObjectId,
  staffMayRead = false,
): Promise<CentreDocument> {
  const centre = await centres.findById(centreId);
  if (!centre) throw new NotFoundError('Service centre');
  if (!isMember(centre, user.userId) && !(staffMayRead && isStaff(user))) {
    throw new ForbiddenError("Only the centre's own partners may do this");
  }
  return centre;
}
