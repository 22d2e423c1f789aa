import { ObjectId, type Collection } from 'mongodb';
import { useScratchDatabase } from '../../test/scratch-database.js';
import { decodeCursor, paginate } from './pagination.js';

interface Doc {
  _id: ObjectId;
  status: string;
}

const db = useScratchDatabase('pagination');
let docs: Collection<Doc>;
const ids = Array.from({ length: 5 }, (_, i) => ObjectId.createFromTime(1_700_000_000 + i));

beforeAll(async () => {
  docs = db().collection<Doc>('docs');
  await docs.insertMany(ids.map((_id, i) => ({ _id, status: i % 2 ? 'odd' : 'even' })));
});
afterEach(() => jest.restoreAllMocks());

describe('paginate (real database)', () => {
  it('sends the next page as one plain filter (the cursor beside the store`s conditions), not an $and', async () => {
    const find = jest.spyOn(docs, 'find');
    const first = await paginate(docs, { status: 'even' }, { first: 2 }, (d) => d._id);
    expect(first.edges.map((e) => e.node)).toEqual([ids[4], ids[2]]);
    expect(await first.totalCount).toBe(3);
    const next = await paginate(docs, { status: 'even' }, { first: 2, after: first.pageInfo.endCursor! }, (d) => d._id);
    expect(next.edges.map((e) => e.node)).toEqual([ids[0]]);
    expect(next.pageInfo.hasNextPage).toBe(false);
    expect(find.mock.calls.map(([filter]) => filter)).toEqual([
      { status: 'even' },
      { status: 'even', _id: { $lt: decodeCursor(first.pageInfo.endCursor!) } },
    ]);
  });

  it('counts only when totalCount is read, and once however often it is read', async () => {
    const countDocuments = jest.spyOn(docs, 'countDocuments');
    const estimated = jest.spyOn(docs, 'estimatedDocumentCount');
    const filtered = await paginate(docs, { status: 'odd' }, { first: 1 }, (d) => d._id);
    const whole = await paginate(docs, {}, { first: 1 }, (d) => d._id);
    expect(filtered.edges).toHaveLength(1);
    expect(countDocuments).not.toHaveBeenCalled();
    expect(estimated).not.toHaveBeenCalled();
    expect(await filtered.totalCount).toBe(2);
    expect(await filtered.totalCount).toBe(2);
    expect(countDocuments).toHaveBeenCalledTimes(1);
    // An empty filter is counted from the collection's metadata, not by reading it.
    expect(await whole.totalCount).toBe(5);
    expect(estimated).toHaveBeenCalledTimes(1);
    expect(countDocuments).toHaveBeenCalledTimes(1);
  });

  it('keeps a store`s own `_id` condition beside the cursor', async () => {
    const page = await paginate(docs, { _id: { $gt: ids[0] } }, { first: 2, after: cursorOf(ids[3]) }, (d) => d._id);
    expect(page.edges.map((e) => e.node)).toEqual([ids[2], ids[1]]);
    expect(await page.totalCount).toBe(4);
  });
});

const cursorOf = (id: ObjectId) => Buffer.from(id.toHexString()).toString('base64url');
