import { ObjectId, type Collection } from 'mongodb';
import { itServesEveryQueryFromAnIndex, recordQueries } from '../../test/indexed-queries.js';
import { useScratchDatabase } from '../../test/scratch-database.js';
import { findManyById } from './find-many-by-id.js';

interface Doc {
  _id: ObjectId;
  n: number;
}

const db = useScratchDatabase('find_many', { monitorCommands: true });
const recorder = recordQueries(db);
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

describe('findManyById (real database)', () => {
  it('answers in the order asked, whatever the order stored', async () => {
    expect(numbers(await findManyById(docs, [c, a, b]))).toEqual([3, 1, 2]);
  });

  it('answers a duplicate id at each of its places', async () => {
    expect(numbers(await findManyById(docs, [b, a, b, b]))).toEqual([2, 1, 2, 2]);
  });

  it('answers null for an unknown id and for a malformed one (null)', async () => {
    expect(numbers(await findManyById(docs, [unknown, a, null, c, unknown]))).toEqual([null, 1, null, 3, null]);
  });

  it('answers an empty list, and a list of nothing valid, without asking the database', async () => {
    const find = jest.spyOn(docs, 'find');
    expect(await findManyById(docs, [])).toEqual([]);
    expect(await findManyById(docs, [null, null])).toEqual([null, null]);
    expect(find).not.toHaveBeenCalled();
  });

  it('asks with one $in of the distinct ids per batch, never one query per id', async () => {
    const find = jest.spyOn(docs, 'find');
    const filters = () => find.mock.calls.map(([filter]) => filter);
    expect(numbers(await findManyById(docs, [a, b, a, b, c]))).toEqual([1, 2, 1, 2, 3]);
    expect(filters()).toEqual([{ _id: { $in: [a, b, c] } }]);
    find.mockClear();
    expect(numbers(await findManyById(docs, [c, unknown, b, a, c], 2))).toEqual([3, null, 2, 1, 3]);
    expect(filters()).toEqual([{ _id: { $in: [c, unknown] } }, { _id: { $in: [b, a] } }]);
  });

  it('serves string ids as well', async () => {
    const named = db().collection<{ _id: string; n: number }>('named');
    await named.insertMany([
      { _id: 'x', n: 1 },
      { _id: 'y', n: 2 },
    ]);
    expect(numbers(await findManyById(named, ['y', 'z', 'x', 'y']))).toEqual([2, null, 1, 2]);
  });
});

itServesEveryQueryFromAnIndex(recorder, () => ({ docs: [], named: [] }));
