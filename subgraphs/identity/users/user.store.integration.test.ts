import { ObjectId } from 'mongodb';
import { useScratchDatabase } from '../../../test/scratch-database.js';
import { UserStore } from './user.store.js';

const db = useScratchDatabase('users');
let users: UserStore;

beforeAll(async () => {
  users = new UserStore(db());
  await users.init();
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
