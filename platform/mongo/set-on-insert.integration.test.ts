import { useScratchDatabase } from '../../test/scratch-database.js';

/**
 * Stores seed new documents with `$setOnInsert`, nulls and empty lists included (a DTC's
 * `clearedAt: null`). Stock FerretDB 1.24 silently skips null and empty-array values there;
 * scripts/install-ferretdb.sh patches that. These fail if the database under test drops them.
 */
interface Doc {
  _id: string;
  status?: string;
  clearedAt?: Date | null;
  history?: unknown[];
}

describe('$setOnInsert', () => {
  const db = useScratchDatabase('set_on_insert');
  const docs = () => db().collection<Doc>('docs');

  it('stores null and empty-array values when an upsert inserts, with updateOne and findOneAndUpdate', async () => {
    await docs().updateOne(
      { _id: 'a' },
      { $setOnInsert: { status: 'X', clearedAt: null, history: [] } },
      { upsert: true },
    );
    await docs().findOneAndUpdate(
      { _id: 'b' },
      { $setOnInsert: { status: 'X', clearedAt: null, history: [] } },
      { upsert: true, returnDocument: 'after' },
    );
    expect(await docs().find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 'a', status: 'X', clearedAt: null, history: [] },
      { _id: 'b', status: 'X', clearedAt: null, history: [] },
    ]);
  });

  it('leaves an existing document alone', async () => {
    await docs().insertOne({ _id: 'c', status: 'Y', clearedAt: new Date(0) });
    await docs().updateOne({ _id: 'c' }, { $setOnInsert: { status: 'X', clearedAt: null } }, { upsert: true });
    expect(await docs().findOne({ _id: 'c' })).toEqual({ _id: 'c', status: 'Y', clearedAt: new Date(0) });
  });
});
