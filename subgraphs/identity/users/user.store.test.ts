import { MongoClient, ObjectId, type Db } from 'mongodb';
import { UserStore } from './user.store.js';

let client: MongoClient;
let db: Db;
let users: UserStore;

beforeAll(async () => {
  client = await MongoClient.connect(process.env.MONGODB_URI!);
  db = client.db(`users_${new ObjectId().toHexString()}`);
  users = new UserStore(db);
  await users.init();
});
afterAll(async () => {
  await db.dropDatabase();
  await client.close();
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
