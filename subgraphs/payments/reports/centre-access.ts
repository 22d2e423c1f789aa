import type { Viewer } from '../../../platform/auth/viewer.js';
import { BadUserInputError, ForbiddenError } from '../../../platform/errors.js';
import { OBJECT_ID } from '../../../platform/mongo/object-id.js';
import type { CentreDirectory } from '../invoices/centre-directory.js';

const STAFF_ROLES = ['ADMIN', 'STAFF'];

/** Who may read a centre's money: its members (the marketplace's membership) and staff. */
export class CentreAccess {
  constructor(private readonly centres: CentreDirectory) {}

  /** The centre id, once `viewer` may read it; FORBIDDEN for a centre that is not theirs (or does not exist). */
  async check(viewer: Viewer | undefined, centreId: string): Promise<string> {
    if (typeof centreId !== 'string' || !OBJECT_ID.test(centreId))
      throw new BadUserInputError('centreId is not a centre id', 'centreId');
    if (!viewer || viewer.kind !== 'user') throw new ForbiddenError('A centre`s money is read with a user account');
    if (viewer.roles.some((r) => STAFF_ROLES.includes(r))) return centreId;
    const [centre] = await this.centres.profiles([centreId]);
    if (!centre || !centre.memberIds.includes(viewer.userId))
      throw new ForbiddenError('Only the centre`s members may read its money');
    return centreId;
  }
}
