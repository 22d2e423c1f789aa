import { ObjectId, type Collection } from 'mongodb';
import { useScratchDatabase } from '../../test/scratch-database.js';
import { CoalescedReads } from './coalesce-by-id.js';

interface Doc {
  _id: ObjectId;
  n: number;
}

const db = useScratchDatabase('coalesce_by_id');
let docs: Collection<Doc>;
const [a, b, c] = [new ObjectId(), new ObjectId(), new ObjectId()];

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

describe('CoalescedReads (real database)', () => {
  it('answers concurrent callers with one query, each only the ids it asked for, in its order', async () => {
    const reads = new CoalescedReads(docs);
    const find = jest.spyOn(docs, 'find');
    const [first, second, third] = await Promise.all([
      reads.findManyById([c, a]),
      reads.findManyById([b, new ObjectId(), null]),
      reads.findManyById([a]),
    ]);
    expect(numbers(first)).toEqual([3, 1]);
    expect(numbers(second)).toEqual([2, null, null]);
    expect(numbers(third)).toEqual([1]);
    expect(find).toHaveBeenCalledTimes(1);
  });

  it('reads afresh each turn: nothing is kept between calls', async () => {
    const reads = new CoalescedReads(docs);
    expect(numbers(await reads.findManyById([a]))).toEqual([1]);
    await docs.updateOne({ _id: a }, { $set: { n: 10 } });
    expect(numbers(await reads.findManyById([a]))).toEqual([10]);
    await docs.updateOne({ _id: a }, { $set: { n: 1 } });
  });

  it('fails every caller of a batch whose query fails, and serves the next batch', async () => {
    const reads = new CoalescedReads(docs);
    jest.spyOn(docs, 'find').mockImplementationOnce(() => {
      throw new Error('database down');
    });
    const results = await Promise.allSettled([reads.findManyById([a]), reads.findManyById([b])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(numbers(await reads.findManyById([b]))).toEqual([2]);
  });
});
