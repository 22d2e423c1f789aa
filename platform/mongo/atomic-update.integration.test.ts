import { ObjectId } from 'mongodb';
import { useScratchDatabase } from '../../test/scratch-database.js';

/**
 * Stores rely on MongoDB's per-document atomicity: counters with `$inc`, claims with
 * `findOneAndUpdate`, queues with `findOneAndDelete`. Stock FerretDB 1.24 reads the document,
 * applies the update in Go and writes it back as a separate step, so concurrent writers
 * overwrite each other (50 `$inc` left 7); scripts/install-ferretdb.sh patches that. These
 * fail if the database under test loses concurrent writes to one document.
 */
const WRITERS = 50;
const concurrently = <T>(n: number, write: (i: number) => Promise<T>) =>
  Promise.all(Array.from({ length: n }, (_, i) => write(i)));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

interface Counter {
  _id: string;
  n: number;
  seen?: number[];
}
interface Job {
  _id: number;
  status: 'free' | 'taken';
  by?: number;
}

describe('concurrent writes to one document', () => {
  const db = useScratchDatabase('atomic_update');
  const counters = () => db().collection<Counter>('counters');
  const jobs = () => db().collection<Job>('jobs');

  it('keep every updateOne $inc and $push', async () => {
    await counters().insertOne({ _id: 'update-one', n: 0, seen: [] });
    const results = await concurrently(WRITERS, (i) =>
      counters().updateOne({ _id: 'update-one' }, { $inc: { n: 1 }, $push: { seen: i } }),
    );
    expect(results.map((r) => [r.matchedCount, r.modifiedCount])).toEqual(results.map(() => [1, 1]));
    const stored = await counters().findOne({ _id: 'update-one' });
    expect(stored?.n).toBe(WRITERS);
    expect([...(stored?.seen ?? [])].sort((a, b) => a - b)).toEqual(range(0, WRITERS - 1));
  });

  it('keep every $inc whether addressed by _id, ObjectId _id, another field or a bulk write', async () => {
    const tallies = db().collection<{ _id: ObjectId; kind: string; n: number }>('tallies');
    const _id = new ObjectId();
    await tallies.insertOne({ _id, kind: 'mixed', n: 0 });
    const inc = { $inc: { n: 1 } };
    await concurrently<unknown>(WRITERS, (i) => {
      switch (i % 3) {
        case 0:
          return tallies.updateOne({ _id }, inc);
        case 1:
          return tallies.updateOne({ kind: 'mixed' }, inc);
        default:
          return tallies.bulkWrite([
            { updateOne: { filter: { _id }, update: inc } },
            { updateOne: { filter: { _id }, update: inc } },
          ]);
      }
    });
    const bulks = range(0, WRITERS - 1).filter((i) => i % 3 === 2).length;
    expect((await tallies.findOne({ _id }))?.n).toBe(WRITERS + bulks);
  });

  it('give each findOneAndUpdate $inc its own value', async () => {
    await counters().insertOne({ _id: 'find-one', n: 0 });
    const after = await concurrently(WRITERS, () =>
      counters().findOneAndUpdate({ _id: 'find-one' }, { $inc: { n: 1 } }, { returnDocument: 'after' }),
    );
    expect(after.map((doc) => doc?.n).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(range(1, WRITERS));
    expect((await counters().findOne({ _id: 'find-one' }))?.n).toBe(WRITERS);
  });

  // MongoDB (4.2 on) retries an upsert that lost the race to insert when its filter is an
  // equality on `_id`, so none of these sees E11000 there either.
  it('count every upsert racing to create the document', async () => {
    const updated = await concurrently(WRITERS, () =>
      counters().updateOne({ _id: 'upsert-update' }, { $inc: { n: 1 } }, { upsert: true }),
    );
    expect(updated.filter((r) => r.upsertedCount === 1)).toHaveLength(1);
    expect(updated.filter((r) => r.matchedCount === 1 && r.modifiedCount === 1)).toHaveLength(WRITERS - 1);
    expect(await counters().findOne({ _id: 'upsert-update' })).toEqual({ _id: 'upsert-update', n: WRITERS });

    const found = await concurrently(WRITERS, () =>
      counters().findOneAndUpdate(
        { _id: 'upsert-find' },
        { $inc: { n: 1 } },
        { upsert: true, returnDocument: 'after' },
      ),
    );
    expect(found.map((doc) => doc?.n).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(range(1, WRITERS));
    expect(await counters().findOne({ _id: 'upsert-find' })).toEqual({ _id: 'upsert-find', n: WRITERS });
  });

  it('let each free job be claimed once, by updateOne or findOneAndUpdate', async () => {
    await jobs().insertMany(range(1, 10).map((_id) => ({ _id, status: 'free' as const })));
    const claims = await concurrently(WRITERS, (by) =>
      jobs().findOneAndUpdate({ status: 'free' }, { $set: { status: 'taken', by } }, { returnDocument: 'after' }),
    );
    const won = claims.filter((doc) => doc !== null);
    expect(won.map((doc) => doc._id).sort((a, b) => a - b)).toEqual(range(1, 10));
    // Each job records the claimer that was told it won it.
    expect(
      await jobs()
        .find({}, { sort: { _id: 1 } })
        .toArray(),
    ).toEqual([...won].sort((a, b) => a._id - b._id));

    await jobs().insertMany(range(11, 20).map((_id) => ({ _id, status: 'free' as const })));
    const updated = await concurrently(WRITERS, (by) =>
      jobs().updateOne({ status: 'free' }, { $set: { status: 'taken', by: 100 + by } }),
    );
    const winners = updated.flatMap((r, by) => (r.modifiedCount === 1 ? [100 + by] : []));
    expect(winners).toHaveLength(10);
    const taken = await jobs()
      .find({ _id: { $gte: 11 } })
      .toArray();
    expect(taken.map((job) => job.by).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(winners);
  });

  it('remove each document once under findOneAndDelete and deleteOne', async () => {
    await jobs().deleteMany({});
    await jobs().insertMany(range(1, WRITERS).map((_id) => ({ _id, status: 'free' as const })));
    const removed = await concurrently(WRITERS, () => jobs().findOneAndDelete({ status: 'free' }));
    expect(removed.map((doc) => doc?._id).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(range(1, WRITERS));
    expect(await jobs().countDocuments()).toBe(0);

    await jobs().insertMany(range(1, 20).map((_id) => ({ _id, status: 'free' as const })));
    const deleted = await concurrently(20, () => jobs().deleteOne({ status: 'free' }));
    expect(deleted.reduce((sum, r) => sum + r.deletedCount, 0)).toBe(20);
    expect(await jobs().countDocuments()).toBe(0);
  });
});
