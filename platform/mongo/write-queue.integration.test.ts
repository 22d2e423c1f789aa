import { useScratchDatabase } from '../../test/scratch-database.js';

/**
 * The embedded FerretDB queues writers to one database file in Go (scripts/install-ferretdb.sh,
 * "write queue"): every kind of write (inserts and updates in a transaction, deletes and index
 * builds as single statements) takes the queue. A write that took it twice, or took it while
 * holding another, would hang here; a writer that gave up waiting would fail with "database is
 * locked". Every write of many concurrent writers, of every kind, across collections of one
 * database, must commit.
 */
const WRITERS = 64;
const concurrently = <T>(n: number, write: (i: number) => Promise<T>) =>
  Promise.all(Array.from({ length: n }, (_, i) => write(i)));

interface Row {
  _id: string;
  n: number;
  group?: number;
}

describe('concurrent writers to one database', () => {
  const db = useScratchDatabase('write_queue');

  it('all commit: inserts, upserts, updates, deletes and an index build at once', async () => {
    const a = db().collection<Row>('a');
    const b = db().collection<Row>('b');
    await a.insertMany(Array.from({ length: WRITERS }, (_, i) => ({ _id: `doomed-${i}`, n: 0 })));

    await concurrently(WRITERS, async (i) => {
      switch (i % 4) {
        case 0:
          return a.insertOne({ _id: `new-${i}`, n: i, group: i % 3 });
        case 1:
          return b.updateOne({ _id: `counter-${i % 8}` }, { $inc: { n: 1 } }, { upsert: true });
        case 2:
          return a.deleteOne({ _id: `doomed-${i}` });
        default:
          return i === 3 ? b.createIndex({ group: 1 }) : b.insertOne({ _id: `row-${i}`, n: i, group: i % 3 });
      }
    });

    expect(await a.countDocuments({ _id: { $regex: '^new-' } })).toBe(WRITERS / 4);
    expect(await a.countDocuments({ _id: { $regex: '^doomed-' } })).toBe(WRITERS - WRITERS / 4);
    const counters = await b.find({ _id: { $regex: '^counter-' } }).toArray();
    expect(counters.reduce((sum, c) => sum + c.n, 0)).toBe(WRITERS / 4);
    expect(await b.countDocuments({ _id: { $regex: '^row-' } })).toBe(WRITERS / 4 - 1);
    expect((await b.indexes()).map((index) => index.name)).toContain('group_1');
  });
});
