import { ObjectId } from 'mongodb';
import { watchQueries, type RecordedQuery } from '../../../test/indexed-queries.js';
import { useScratchDatabase } from '../../../test/scratch-database.js';
import { RoleHolders } from './role-holders.js';
import { UserStore, type UserDocument } from './user.store.js';

const db = useScratchDatabase('users', { monitorCommands: true });
let users: UserStore;
const queries: RecordedQuery[] = [];

beforeAll(async () => {
  users = new UserStore(db());
  await users.init();
  watchQueries(db(), queries);
});

const account = (email: string, roles: UserDocument['roles']): UserDocument => ({
  _id: new ObjectId(),
  email,
  name: email,
  roles,
  passwordHash: 'x',
  createdAt: new Date(),
});

describe('UserStore.countWithRole (real database)', () => {
  it("counts a role's holders from an index of their own, reading no account (roles is an array)", async () => {
    const before = await users.countWithRole('CUSTOMER');
    const cat = await users.insert({ email: 'cat@example.com', name: 'Cat', roles: ['CUSTOMER'], passwordHash: 'x' });
    const taken = await users.insertNew([
      account('dan@example.com', ['CUSTOMER']),
      account('cat@example.com', ['CUSTOMER']),
      account('eve@example.com', ['CUSTOMER']),
    ]);
    expect(taken).toEqual(new Set(['cat@example.com']));
    await users.addRole(cat._id, 'STAFF');
    await users.addRole(cat._id, 'STAFF');
    queries.length = 0;

    expect(await users.countWithRole('CUSTOMER')).toBe(before + 3);
    expect(await users.countWithRole('STAFF')).toBe(1);

    expect(queries.map((q) => [q.collection, q.shape.equality])).toEqual([
      [RoleHolders.collection, ['role']],
      [RoleHolders.collection, ['role']],
    ]);
  });

  it('records the roles of accounts stored before role holders existed when it starts', async () => {
    const scratch = db().client.db(`users_roles_${new ObjectId().toHexString()}`);
    try {
      await scratch
        .collection<UserDocument>(UserStore.collection)
        .insertMany([
          account('old1@example.com', ['CUSTOMER']),
          account('old2@example.com', ['CUSTOMER', 'PARTNER']),
          account('old3@example.com', ['ADMIN']),
        ]);
      const store = new UserStore(scratch);
      await store.init();
      expect(await store.countWithRole('CUSTOMER')).toBe(2);
      expect(await store.countWithRole('ADMIN')).toBe(1);
      await store.init();
      expect(await store.countWithRole('CUSTOMER')).toBe(2);
    } finally {
      await scratch.dropDatabase();
    }
  });
});

describe('UserStore.findByIds (real database)', () => {
  it('answers in the order asked, repeats duplicates, and gives null for unknown or malformed ids', async () => {
    const ann = await users.insert({ email: 'ann@example.com', name: 'Ann', roles: ['CUSTOMER'], passwordHash: 'x' });
    const bob = await users.insert({ email: 'bob@example.com', name: 'Bob', roles: ['CUSTOMER'], passwordHash: 'x' });
    const [a, b] = [ann._id.toHexString(), bob._id.toHexString()];
    const found = await users.findByIds([b, 'nope', a, new ObjectId().toHexString(), b, a.toUpperCase(), `${a}0`]);
    expect(found.map((u) => u?.name ?? null)).toEqual(['Bob', null, 'Ann', null, 'Bob', null, null]);
    expect(await users.findByIds([])).toEqual([]);
  });
});
