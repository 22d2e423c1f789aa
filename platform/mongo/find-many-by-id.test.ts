import { ObjectId, type Collection } from 'mongodb';
import { useScratchDatabase } from '../../test/scratch-database.js';
import { findManyById, type FindManyByIdOptions } from './find-many-by-id.js';

interface Doc {
  _id: ObjectId;
  n: number;
}

const db = useScratchDatabase('find_many');
let docs: Collection<Doc>;
const [a, b, c] = [new ObjectId(), new ObjectId(), new ObjectId()];
const unknown = new ObjectId();

beforeAll(async () => {
  docs = db().collection<Doc>('docs');
  await docs.insertMany([
    { _id: a, n: 1 },
    { _id: b, n: 2 },
    { _id: c, n: 3 },
  ]);
});
afterEach(() => jest.restoreAllMocks());

const numbers = (found: ({ n: number } | null)[]) => found.map((d) => d?.n ?? null);

describe.each<[string, FindManyByIdOptions]>([
  ['one findOne per id', { perIdUpTo: Infinity }],
  ['one $in', { perIdUpTo: 0 }],
  ['the default choice', {}],
])('findManyById with %s (real database)', (_, options) => {
  it('answers in the order asked, whatever the order stored', async () => {
    expect(numbers(await findManyById(docs, [c, a, b], options))).toEqual([3, 1, 2]);
  });

  it('answers a duplicate id at each of its places', async () => {
    expect(numbers(await findManyById(docs, [b, a, b, b], options))).toEqual([2, 1, 2, 2]);
  });

  it('answers null for an unknown id and for a malformed one (null)', async () => {
    expect(numbers(await findManyById(docs, [unknown, a, null, c, unknown], options))).toEqual([
      null,
      1,
      null,
      3,
      null,
    ]);
  });

  it('answers an empty list, and a list of nothing valid, without asking the database', async () => {
    const find = jest.spyOn(docs, 'find');
    expect(await findManyById(docs, [], options)).toEqual([]);
    expect(await findManyById(docs, [null, null], options)).toEqual([null, null]);
    expect(find).not.toHaveBeenCalled();
  });
});

describe('findManyById strategy (real database)', () => {
  it('looks up to `perIdUpTo` distinct ids one at a time, and more with one $in', async () => {
    // findOne goes through find: the filters say which strategy ran.
    const find = jest.spyOn(docs, 'find');
    const filters = () => find.mock.calls.map(([filter]) => filter);
    await findManyById(docs, [a, b, a, b], { perIdUpTo: 2 });
    expect(filters()).toEqual([{ _id: a }, { _id: b }]);
    find.mockClear();
    await findManyById(docs, [a, b, c], { perIdUpTo: 2 });
    expect(filters()).toEqual([{ _id: { $in: [a, b, c] } }]);
  });

  it('never has more than `concurrency` lookups pending', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => (i % 3 === 0 ? a : new ObjectId()));
    const original = docs.findOne.bind(docs);
    let pending = 0;
    let most = 0;
    jest.spyOn(docs, 'findOne').mockImplementation((async (filter: object) => {
      most = Math.max(most, ++pending);
      try {
        return await original(filter);
      } finally {
        pending--;
      }
    }) as never);
    const found = await findManyById(docs, ids, { perIdUpTo: Infinity, concurrency: 4 });
    expect(most).toBe(4);
    expect(found.filter((d) => d !== null)).toHaveLength(14);
  });

  it('serves string ids as well', async () => {
    const named = db().collection<{ _id: string; n: number }>('named');
    await named.insertMany([
      { _id: 'x', n: 1 },
      { _id: 'y', n: 2 },
    ]);
    for (const perIdUpTo of [0, Infinity]) {
      expect(numbers(await findManyById(named, ['y', 'z', 'x', 'y'], { perIdUpTo }))).toEqual([2, null, 1, 2]);
    }
  });
});
