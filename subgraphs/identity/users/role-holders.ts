import type { Collection, Db, ObjectId } from 'mongodb';
import type { Role } from '../../../platform/auth/viewer.js';
import { DUPLICATE_KEY } from '../../../platform/mongo/duplicate-key.js';
import { ensureIndexes, type IndexDeclaration } from '../../../platform/mongo/indexes.js';

/** `_id: <role>:<userId>`: one per role a user holds. */
interface HolderDocument {
  _id: string;
  role: Role;
  userId: string;
}

/** Counted by role. */
export const ROLE_HOLDER_INDEXES: IndexDeclaration[] = [{ key: { role: 1 } }];

/**
 * Who holds each role, one document per user and role, so that a role's holders are counted
 * from an index. Users' `roles` is an array, and the embedded database counts a filter on an
 * array field by decoding every document in Go: the agents' customers goal counted all 25,000
 * seeded users that way, 1.6-3.1 s of database CPU at each refresh. A scalar `role` is counted
 * in the index without reading a document, on MongoDB as on the embedded database.
 *
 * Written after the user, so a holder is never ahead of its account; adding is idempotent.
 * UserStore.init() fills in what is missing when there are fewer holders than users (a data
 * set from before this collection, or a crash between the two writes).
 */
export class RoleHolders {
  static readonly collection = 'user_roles';
  private readonly holders: Collection<HolderDocument>;

  constructor(db: Db) {
    this.holders = db.collection<HolderDocument>(RoleHolders.collection);
  }

  init(): Promise<void> {
    return ensureIndexes(this.holders, ROLE_HOLDER_INDEXES);
  }

  /** Records each user's roles; those already recorded are left as they are. */
  async add(users: readonly { _id: ObjectId; roles: readonly Role[] }[]): Promise<void> {
    const docs = users.flatMap((user) => {
      const userId = user._id.toHexString();
      return user.roles.map((role) => ({ _id: `${role}:${userId}`, role, userId }));
    });
    if (docs.length === 0) return;
    try {
      await this.holders.insertMany(docs, { ordered: false });
    } catch (error) {
      const failed = (error as { writeErrors?: { code: number }[] }).writeErrors;
      if (!failed?.length || failed.some((w) => w.code !== DUPLICATE_KEY)) throw error;
    }
  }

  count(role: Role): Promise<number> {
    return this.holders.countDocuments({ role });
  }

  /** Holders of every role, from the collection's metadata. */
  countAll(): Promise<number> {
    return this.holders.estimatedDocumentCount();
  }
}
