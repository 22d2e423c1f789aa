import { useScratchDatabase } from '../../test/scratch-database.js';

/**
 * Retention deletes whatever has aged out in one deleteMany, however much that is. Upstream
 * FerretDB's SQLite backend put every matched id into one SQL statement, and SQLite refuses more
 * than 32,766 variables: a deleteMany over more documents failed ("too many SQL variables").
 * scripts/install-ferretdb.sh ("delete batches") deletes in statements of at most 10,000 ids.
 */
const PAST_SQLITE_LIMIT = 33_000;

describe('deleteMany', () => {
  const db = useScratchDatabase('delete_many');

  it(`deletes ${PAST_SQLITE_LIMIT} documents in one call, and only those matched`, async () => {
    const rows = db().collection<{ _id: number; old: boolean }>('rows');
    for (let i = 0; i < PAST_SQLITE_LIMIT + 500; i += 5_000) {
      const end = Math.min(i + 5_000, PAST_SQLITE_LIMIT + 500);
      await rows.insertMany(
        Array.from({ length: end - i }, (_, k) => ({ _id: i + k, old: i + k < PAST_SQLITE_LIMIT })),
      );
    }

    const result = await rows.deleteMany({ old: true });

    expect(result.deletedCount).toBe(PAST_SQLITE_LIMIT);
    expect(await rows.countDocuments({})).toBe(500);
    expect(await rows.countDocuments({ old: true })).toBe(0);
  }, 120_000);
});
