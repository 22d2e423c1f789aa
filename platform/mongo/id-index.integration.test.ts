import { useScratchDatabase } from '../../test/scratch-database.js';

/**
 * Every store relies on lookups by `_id` being index searches: FerretDB pushes nothing else
 * down. Stock FerretDB 1.24 writes its `_id` lookup differently from its `_id` index, so SQLite
 * scanned the table for each one; scripts/install-ferretdb.sh patches that. This fails if the
 * database under test lost the fix (or a new FerretDB changed either side).
 */
describe('lookups by _id', () => {
  const db = useScratchDatabase('id_index');

  it('are answered from the _id index, not by a scan', async () => {
    const items = db().collection<{ _id: string; n: number }>('items');
    await items.insertMany(Array.from({ length: 50 }, (_, n) => ({ _id: `item-${n}`, n })));
    const explained = await db().command({ explain: { find: 'items', filter: { _id: 'item-42' } } });
    if (explained.serverInfo?.ferretdbVersion) {
      expect(explained.filterPushdown).toBe(true);
      expect(JSON.stringify(explained.queryPlanner)).toMatch(/SEARCH .* USING INDEX/);
    } else {
      expect(JSON.stringify(explained.queryPlanner)).toMatch(/IDHACK|EXPRESS_IXSCAN|IXSCAN/);
    }
    expect(await items.findOne({ _id: 'item-42' })).toEqual({ _id: 'item-42', n: 42 });
  });
});
