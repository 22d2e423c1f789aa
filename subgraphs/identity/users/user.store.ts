import { ObjectId, type Collection, type Db } from 'mongodb';
import type { Role } from '../../../platform/auth/viewer.js';
import { paginate, type PageArgs } from '../../../platform/graphql/pagination.js';
import { DUPLICATE_KEY, isDuplicateKey } from '../../../platform/mongo/duplicate-key.js';
import { CoalescedReads } from '../../../platform/mongo/coalesce-by-id.js';
import { ensureIndexes, type IndexDeclaration } from '../../../platform/mongo/indexes.js';
import { toObjectId } from '../../../platform/mongo/object-id.js';
import { RoleHolders } from './role-holders.js';
import type { User } from './user.type.js';

export interface UserDocument {
  _id: ObjectId;
  email: string;
  name: string;
  roles: Role[];
  passwordHash: string;
  createdAt: Date;
}

export const toUser = (doc: UserDocument): User => ({
  id: doc._id.toHexString(),
  email: doc.email,
  name: doc.name,
  roles: doc.roles,
  createdAt: doc.createdAt,
});

export class EmailTakenError extends Error {}

/** Sign-in by email (one account each). The list pages by `_id`; roles are counted in RoleHolders. */
export const USER_INDEXES: IndexDeclaration[] = [
  { key: { email: 1 }, options: { unique: true } },
  { key: { roles: 1 } },
];

export class UserStore {
  static readonly collection = 'users';
  private readonly users: Collection<UserDocument>;
  /** `me` and the gateway's user references arrive from many requests at once: one read for them all. */
  private readonly reads: CoalescedReads<UserDocument>;
  private readonly roleHolders: RoleHolders;

  constructor(db: Db) {
    this.users = db.collection<UserDocument>(UserStore.collection);
    this.reads = new CoalescedReads(this.users);
    this.roleHolders = new RoleHolders(db);
  }

  async init(): Promise<void> {
    await Promise.all([ensureIndexes(this.users, USER_INDEXES), this.roleHolders.init()]);
    // Every account holds a role: fewer holders than accounts means some were never recorded.
    if ((await this.roleHolders.countAll()) >= (await this.users.estimatedDocumentCount())) return;
    let batch: Pick<UserDocument, '_id' | 'roles'>[] = [];
    for await (const user of this.users.find({}, { projection: { roles: 1 } })) {
      batch.push(user);
      if (batch.length < 1000) continue;
      await this.roleHolders.add(batch);
      batch = [];
    }
    await this.roleHolders.add(batch);
  }

  async insert(user: Omit<UserDocument, '_id' | 'createdAt'>): Promise<UserDocument> {
    const doc: UserDocument = { _id: new ObjectId(), createdAt: new Date(), ...user };
    try {
      await this.users.insertOne(doc);
    } catch (error) {
      if (isDuplicateKey(error)) throw new EmailTakenError();
      throw error;
    }
    await this.roleHolders.add([doc]);
    return doc;
  }

  /** `email` must already be normalised and validated by the caller. */
  findByEmail(email: string): Promise<UserDocument | null> {
    return this.users.findOne({ email: String(email) });
  }

  /** Accounts with any of these emails (normalised and validated by the caller), in no order. */
  findByEmails(emails: readonly string[]): Promise<UserDocument[]> {
    return this.users.find({ email: { $in: emails.map(String) } }).toArray();
  }

  /**
   * Inserts every account whose email is free, in one round trip; returns the emails that were
   * taken (those accounts are left as they are).
   */
  async insertNew(docs: readonly UserDocument[]): Promise<Set<string>> {
    if (docs.length === 0) return new Set();
    let taken = new Set<number>();
    try {
      await this.users.insertMany([...docs], { ordered: false });
    } catch (error) {
      const failed = (error as { writeErrors?: { index: number; code: number }[] }).writeErrors;
      if (!failed?.length || failed.some((w) => w.code !== DUPLICATE_KEY)) throw error;
      taken = new Set(failed.map((w) => w.index));
    }
    await this.roleHolders.add(docs.filter((_, i) => !taken.has(i)));
    return new Set([...taken].map((i) => docs[i]!.email));
  }

  /** In the order of `ids`; null for an unknown or malformed id. */
  findByIds(ids: readonly string[]): Promise<(UserDocument | null)[]> {
    return this.reads.findManyById(ids.map(toObjectId));
  }

  async findById(id: string): Promise<UserDocument | null> {
    const [doc] = await this.findByIds([id]);
    return doc ?? null;
  }

  list(page: PageArgs) {
    return paginate(this.users, {}, page, toUser);
  }

  /** Adds `role` to the user's roles; the user as it was before, or null for an unknown user. */
  async addRole(id: ObjectId, role: Role): Promise<UserDocument | null> {
    const before = await this.users.findOneAndUpdate(
      { _id: id },
      { $addToSet: { roles: role } },
      { returnDocument: 'before' },
    );
    if (before) await this.roleHolders.add([{ _id: id, roles: [role] }]);
    return before;
  }

  /** From RoleHolders' index: `roles` is an array, which the embedded database counts by reading every user. */
  countWithRole(role: Role): Promise<number> {
    return this.roleHolders.count(role);
  }
}
