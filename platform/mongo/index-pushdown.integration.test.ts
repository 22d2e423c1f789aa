import { Binary, Double, Int32, Long, ObjectId, type Document, type Filter, type Sort } from 'mongodb';
import { useScratchDatabase } from '../../test/scratch-database.js';

/**
 * Stores filter, sort and batch through their indexes. Stock FerretDB 1.24 on SQLite uses no
 * index but `_id`'s: every other filter, `$in` or sort read and decoded the whole collection.
 * scripts/install-ferretdb.sh patches its SQLite backend so that these are index searches.
 * The patch may select more documents than the filter, never fewer (FerretDB checks each one
 * again), and must still find documents whose field is an array. These fail if the database
 * under test scans where it should search, or answers differently from a scan.
 */

interface Item {
  _id: number;
  ownerId: string;
  status: string;
  n: number | number[];
  at: Date;
  tags: string | string[];
  removedAt?: Date | null;
}

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);
const ITEMS = 300;

function item(i: number): Item {
  const doc: Item = {
    _id: i,
    ownerId: `owner-${i % 30}`,
    status: ['open', 'closed', 'snoozed'][i % 3],
    n: i % 4 === 0 ? i + 0.5 : i,
    at: new Date(T0 + i * DAY),
    tags: i % 5 === 0 ? ['a', `t${i % 7}`] : `t${i % 7}`,
  };
  // removed, never removed (no field), not removed (null)
  if (i % 4 !== 1) doc.removedAt = i % 4 === 0 ? new Date(T0) : null;
  return doc;
}

/** FerretDB's plan is SQLite's EXPLAIN QUERY PLAN; mongod's is its winning plan. */
function describePlan(explained: Document): { ferretdb: boolean; text: string; lines: string[] } {
  const ferretdb = Boolean(explained.serverInfo?.ferretdbVersion);
  const lines: string[] = ferretdb
    ? explained.queryPlanner.Plan
    : [JSON.stringify(explained.queryPlanner?.winningPlan ?? explained)];
  return { ferretdb, text: lines.join('\n'), lines };
}

function expectIndexSearch(explained: Document, index: string): void {
  const { ferretdb, text, lines } = describePlan(explained);
  if (ferretdb) {
    expect(explained.filterPushdown || explained.sortPushdown).toBe(true);
    expect(text).toMatch(new RegExp(`SEARCH \\S+ USING INDEX \\S+_${index}\\b`));
    // A bare "SCAN <table>" reads the whole collection ("SCAN (subquery-n)" reads a branch's rows,
    // "SCAN CONSTANT ROW" is a SELECT without a table, as a count's).
    expect(lines.filter((line) => /detail=SCAN (?!\(|CONSTANT ROW)/.test(line))).toEqual([]);
  } else {
    expect(text).toMatch(/IXSCAN/);
    expect(text).not.toMatch(/COLLSCAN/);
  }
}

/** A count that the database answers from an index, without reading the documents it counts. */
function expectCountFromIndex(explained: Document, index: string): void {
  const { ferretdb, text } = describePlan(explained);
  if (ferretdb) {
    expect(explained.countPushdown).toBe(true);
    expectIndexSearch(explained, index);
  } else {
    expect(text).toMatch(/COUNT_SCAN|IXSCAN/);
    expect(text).not.toMatch(/COLLSCAN|FETCH/);
  }
}

function expectSortFromIndex(explained: Document, index: string): void {
  expectIndexSearch(explained, index);
  const { ferretdb, text } = describePlan(explained);
  if (ferretdb) {
    expect(explained.sortPushdown).toBe(true);
    expect(explained.limitPushdown).toBe(true);
    expect(text).not.toMatch(/TEMP B-TREE FOR ORDER BY/);
  } else {
    expect(text).not.toMatch(/"stage":"SORT"/);
  }
}

describe('queries on indexed fields', () => {
  const db = useScratchDatabase('index_pushdown');
  const items = () => db().collection<Item>('items');
  const all = Array.from({ length: ITEMS }, (_, i) => item(i));
  const ids = (docs: { _id: number }[]) => docs.map((d) => d._id).sort((a, b) => a - b);
  const explain = (filter: Filter<Item>, options: { sort?: Sort; limit?: number } = {}) =>
    db().command({ explain: { find: 'items', filter, ...options } });

  beforeAll(async () => {
    await items().createIndex({ ownerId: 1, status: 1 });
    await items().createIndex({ ownerId: 1, removedAt: 1, _id: -1 });
    await items().createIndex({ n: 1 });
    await items().createIndex({ at: -1 });
    await items().createIndex({ tags: 1 });
    await items().insertMany(all);
  });

  it('search the index for an equality, a compound equality, $in and a range', async () => {
    expectIndexSearch(await explain({ ownerId: 'owner-7' }), 'ownerId_1_status_1');
    expectIndexSearch(await explain({ ownerId: 'owner-7', status: 'open' }), 'ownerId_1_status_1');
    expectIndexSearch(await explain({ ownerId: { $in: ['owner-1', 'owner-2'] } }), 'ownerId_1_status_1');
    expectIndexSearch(await explain({ n: { $gte: 10, $lt: 20 } }), 'n_1');
    expectIndexSearch(await explain({ at: { $gte: new Date(T0 + 100 * DAY) } }), 'at_-1');

    expect(ids(await items().find({ ownerId: 'owner-7' }).toArray())).toEqual(
      ids(all.filter((d) => d.ownerId === 'owner-7')),
    );
    expect(ids(await items().find({ ownerId: 'owner-7', status: 'open' }).toArray())).toEqual(
      ids(all.filter((d) => d.ownerId === 'owner-7' && d.status === 'open')),
    );
    expect(
      ids(
        await items()
          .find({ ownerId: { $in: ['owner-1', 'owner-2'] } })
          .toArray(),
      ),
    ).toEqual(ids(all.filter((d) => d.ownerId === 'owner-1' || d.ownerId === 'owner-2')));
    // 12.5 is a double, 13 an int: one range over both, as on MongoDB.
    expect(
      ids(
        await items()
          .find({ n: { $gte: 10, $lt: 20 } })
          .toArray(),
      ),
    ).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    expect(await items().countDocuments({ at: { $gte: new Date(T0 + 100 * DAY) } })).toBe(ITEMS - 100);
  });

  it('read a sort with a limit from the index, alone or under a range', async () => {
    expectSortFromIndex(await explain({}, { sort: { at: -1 }, limit: 20 }), 'at_-1');
    expectSortFromIndex(await explain({ n: { $gt: 100 } }, { sort: { n: 1 }, limit: 5 }), 'n_1');
    // null is "missing or null": each is read from the compound index in its order.
    const live = { ownerId: 'owner-9', removedAt: null };
    expectSortFromIndex(await explain(live, { sort: { _id: -1 }, limit: 3 }), 'ownerId_1_removedAt_1__id_-1');

    const latest = await items().find({}).sort({ at: -1 }).limit(20).toArray();
    expect(latest.map((d) => d._id)).toEqual(Array.from({ length: 20 }, (_, i) => ITEMS - 1 - i));
    const above = await items()
      .find({ n: { $gt: 100 } })
      .sort({ n: 1 })
      .skip(2)
      .limit(3)
      .toArray();
    expect(above.map((d) => d.n)).toEqual([102, 103, 104.5]);
    const newest = await items().find(live).sort({ _id: -1 }).limit(3).toArray();
    expect(newest.map((d) => [d._id, d.removedAt])).toEqual([
      [279, null],
      [249, undefined],
      [219, null],
    ]);
  });

  it('still find documents whose field is an array, by equality, $in and a range', async () => {
    const tagged = ids(all.filter((d) => Array.isArray(d.tags)));
    expect(tagged).toHaveLength(ITEMS / 5);
    expectIndexSearch(await explain({ tags: 'a' }), 'tags_1');
    expect(ids(await items().find({ tags: 'a' }).toArray())).toEqual(tagged);
    expect(
      ids(
        await items()
          .find({ tags: { $in: ['a', 'none'] } })
          .toArray(),
      ),
    ).toEqual(tagged);
    expect(
      ids(
        await items()
          .find({ tags: { $gte: 'a', $lt: 'b' } })
          .toArray(),
      ),
    ).toEqual(tagged);
    // An array filter is left to FerretDB's own matching.
    expect(await items().countDocuments({ tags: ['a', 't0'] })).toBe(Math.ceil(ITEMS / 35));
  });

  it('sort a field holding an array by its smallest or largest element', async () => {
    const arrays = db().collection<Pick<Item, '_id' | 'n'>>('arrays');
    await arrays.createIndex({ n: 1 });
    await arrays.insertMany([...Array.from({ length: 50 }, (_, i) => ({ _id: i, n: i })), { _id: 99, n: [1000, -5] }]);
    expect((await arrays.find({}).sort({ n: 1 }).limit(2).toArray()).map((d) => d._id)).toEqual([99, 0]);
    expect((await arrays.find({}).sort({ n: -1 }).limit(2).toArray()).map((d) => d._id)).toEqual([99, 49]);
    expect(
      (
        await arrays
          .find({ n: { $gt: 48 } })
          .sort({ n: -1 })
          .limit(5)
          .toArray()
      ).map((d) => d._id),
    ).toEqual([99, 49]);
  });
});

/**
 * What paginated stores send: newest first by `_id` (ObjectIds) with the next page after a cursor,
 * newest first by a time with `_id` breaking ties (keyset), and counts. Stock FerretDB read and
 * decoded the whole collection for each of these; counts decoded every document they counted.
 */
describe('pages, keysets and counts', () => {
  const db = useScratchDatabase('index_pages');
  const ALERTS = 300;
  const PER_MINUTE = 6; // openedAt ties: two alerts of each status open in the same minute
  const STATUSES = ['open', 'closed', 'snoozed'] as const;
  interface Alert {
    _id: ObjectId;
    status: string;
    openedAt: Date;
    tags?: string | string[];
  }
  // ObjectIds grow with the alert's number, as they do with time.
  const idOf = (i: number) => ObjectId.createFromTime(1_800_000_000 + i);
  const all: Alert[] = Array.from({ length: ALERTS }, (_, i) => ({
    _id: idOf(i),
    status: STATUSES[i % 3],
    openedAt: new Date(T0 + Math.floor(i / PER_MINUTE) * 60_000),
    ...(i % 10 === 0 ? { tags: ['a', 'b'] } : i % 10 === 1 ? { tags: 'a' } : {}),
  }));
  const alerts = () => db().collection<Alert>('alerts');
  const explain = (filter: Filter<Alert>, options: { sort?: Sort; limit?: number } = {}) =>
    db().command({ explain: { find: 'alerts', filter, ...options } });
  const hex = (docs: { _id: unknown }[]) =>
    docs.map((d) => (d._id instanceof Binary ? `binData ${d._id.toString('base64')}` : String(d._id)));
  const newestFirst = (a: Alert, b: Alert) =>
    b.openedAt.getTime() - a.openedAt.getTime() || b._id.toHexString().localeCompare(a._id.toHexString());

  beforeAll(async () => {
    await alerts().createIndex({ status: 1, openedAt: -1, _id: -1 });
    await alerts().createIndex({ openedAt: -1, _id: -1 });
    await alerts().createIndex({ tags: 1 });
    await alerts().insertMany(all);
  });

  it('read the newest page by _id, and the page after a cursor, from the _id index', async () => {
    const cursor = idOf(150);
    expectSortFromIndex(await explain({}, { sort: { _id: -1 }, limit: 21 }), '_id_');
    expectSortFromIndex(await explain({ _id: { $lt: cursor } }, { sort: { _id: -1 }, limit: 21 }), '_id_');
    expectIndexSearch(await explain({ _id: { $gte: idOf(10), $lt: idOf(20) } }), '_id_');

    const newest = await alerts().find({}).sort({ _id: -1 }).limit(21).toArray();
    expect(hex(newest)).toEqual(hex(all.slice(-21).reverse()));
    const next = await alerts()
      .find({ _id: { $lt: cursor } })
      .sort({ _id: -1 })
      .limit(21)
      .toArray();
    expect(hex(next)).toEqual(hex(all.slice(129, 150).reverse()));
    const range = await alerts()
      .find({ _id: { $gte: idOf(10), $lt: idOf(20) } })
      .toArray();
    expect(hex(range)).toEqual(hex(all.slice(10, 20)));
  });

  it('order _id of every type as MongoDB does: a string that reads as an ObjectId is a string', async () => {
    const mixed = db().collection<{ _id: ObjectId | Date | Binary | string | number }>('mixed');
    const oids = Array.from({ length: 30 }, (_, i) => idOf(i));
    // Its text in the _id index is that of an ObjectId, between two of those stored.
    const lookalike = idOf(15).toHexString().replace(/0$/, '1');
    const bin = new Binary(Buffer.from('bin'));
    await mixed.insertMany([...oids, new Date(T0), lookalike, 'zzz', 5, bin].map((_id) => ({ _id })));
    const ids = (values: unknown[]) => hex(values.map((_id) => ({ _id })));

    // A date, then ObjectIds, then binData, strings and numbers.
    const page = async (skip: number) => hex(await mixed.find({}).sort({ _id: -1 }).skip(skip).limit(4).toArray());
    expect(await page(0)).toEqual(ids([new Date(T0), oids[29], oids[28], oids[27]]));
    expect(await page(29)).toEqual(ids([oids[1], oids[0], bin, 'zzz']));
    expect(await page(33)).toEqual([lookalike, '5']);
    const below = await mixed
      .find({ _id: { $lt: oids[16] } })
      .sort({ _id: -1 })
      .limit(2)
      .toArray();
    expect(hex(below)).toEqual(ids([oids[15], oids[14]]));
    expect(await mixed.countDocuments({ _id: { $lte: oids[29] } })).toBe(30);
    expect(await mixed.countDocuments({ _id: new ObjectId(lookalike) })).toBe(0);
    expect(await mixed.countDocuments({ _id: lookalike })).toBe(1);
    expect(await mixed.countDocuments({ _id: { $in: [new ObjectId(lookalike), oids[3], 'zzz'] } })).toBe(2);
    expect(await mixed.countDocuments({ _id: { $in: [lookalike, oids[3].toHexString()] } })).toBe(1);
  });

  it('read a sort with _id breaking ties from a compound index, a keyset page after another', async () => {
    const index = 'status_1_openedAt_-1__id_-1';
    const open = all.filter((a) => a.status === 'open').sort(newestFirst);
    const at = open[9];
    const keyset = {
      status: 'open',
      openedAt: { $lte: at.openedAt },
      $or: [{ openedAt: { $lt: at.openedAt } }, { _id: { $lt: at._id } }],
    };
    const sort = { openedAt: -1, _id: -1 } as const;
    expectSortFromIndex(await explain({ status: 'open' }, { sort, limit: 5 }), index);
    expectSortFromIndex(await explain(keyset, { sort, limit: 5 }), index);
    expectSortFromIndex(await explain({}, { sort, limit: 5 }), 'openedAt_-1__id_-1');

    // Pages of 3 split the minutes' pairs of ties: every page goes on where the last ended.
    const seen: Alert[] = [];
    for (;;) {
      const last = seen.at(-1);
      const filter: Filter<Alert> = last
        ? {
            status: 'open',
            openedAt: { $lte: last.openedAt },
            $or: [{ openedAt: { $lt: last.openedAt } }, { _id: { $lt: last._id } }],
          }
        : { status: 'open' };
      const page = await alerts().find(filter).sort(sort).limit(3).toArray();
      if (page.length === 0) break;
      seen.push(...page);
    }
    expect(hex(seen)).toEqual(hex(open));
    const latest = await alerts().find({}).sort(sort).limit(5).toArray();
    expect(hex(latest)).toEqual(hex([...all].sort(newestFirst).slice(0, 5)));
  });

  it('count from an index without reading what it counts, arrays included', async () => {
    const index = 'status_1_openedAt_-1__id_-1';
    const open = { status: 'open' };
    expectCountFromIndex(await db().command({ explain: { count: 'alerts', query: open } }), index);
    const counting = [{ $match: open }, { $group: { _id: 1, n: { $sum: 1 } } }];
    expectCountFromIndex(
      await db().command({ explain: { aggregate: 'alerts', pipeline: counting, cursor: {} } }),
      index,
    );
    expectCountFromIndex(
      await db().command({ explain: { count: 'alerts', query: { _id: { $lt: idOf(100) } } } }),
      '_id_',
    );
    const everything = await db().command({ explain: { count: 'alerts' } });
    if (everything.serverInfo?.ferretdbVersion) {
      expect(everything.countPushdown).toBe(true);
      // count(*) walks the smallest index, never the documents.
      expect(describePlan(everything).text).toMatch(/SCAN \S+ USING COVERING INDEX/);
    }

    expect(await alerts().countDocuments(open)).toBe(ALERTS / 3);
    expect((await db().command({ count: 'alerts', query: open })).n).toBe(ALERTS / 3);
    expect(
      await alerts()
        .aggregate([{ $match: open }, { $count: 'n' }])
        .toArray(),
    ).toEqual([{ n: ALERTS / 3 }]);
    expect(await alerts().countDocuments({ status: 'none' })).toBe(0);
    expect(
      await alerts()
        .aggregate([{ $match: { status: 'none' } }, { $count: 'n' }])
        .toArray(),
    ).toEqual([]);
    expect(await alerts().countDocuments({ tags: 'a' })).toBe(ALERTS / 5);
    expect(await alerts().countDocuments({ tags: 'b' })).toBe(ALERTS / 10);
    expect(await alerts().countDocuments({ _id: { $lt: idOf(100) } })).toBe(100);
    expect(
      await alerts().countDocuments({
        status: 'closed',
        openedAt: { $gte: all[60].openedAt },
        $or: [{ tags: 'a' }, { _id: { $gte: idOf(250) } }],
      }),
    ).toBe(all.filter((a, i) => a.status === 'closed' && i >= 60 && (a.tags !== undefined || i >= 250)).length);
    expect(await alerts().countDocuments({})).toBe(ALERTS);
    expect(await alerts().estimatedDocumentCount()).toBe(ALERTS);
  });
});

/**
 * The same random documents in a collection with indexes and in one without (which FerretDB
 * answers by reading everything), queried with random filters and sorts over mixed types:
 * the answers must be the same.
 */
describe('indexed queries answer as a scan does', () => {
  const db = useScratchDatabase('index_equivalence');
  const SEED = 20261205;
  const DOCS = 400;
  const QUERIES = 200;
  const FIELDS = ['a', 'b', 'n', 'd', 't', 'u'] as const;
  const OIDS = [
    '000000000000000000000001',
    '7fffffffffffffffffffffff',
    '800000000000000000000000',
    'ffffffffffffffffffffffff',
  ].map((hex) => new ObjectId(hex));
  const DATES = [-DAY, 0, T0, T0 + DAY, 8.64e15].map((ms) => new Date(ms));

  let seed = SEED;
  const random = () => {
    // mulberry32
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)];

  const scalars: (() => unknown)[] = [
    () => null,
    () => new Int32(pick([-3, 0, 1, 2, 7, 42])),
    () => new Double(pick([-3, -0, 0, 0.5, 1, 2, 2.5, 7, 1e21, 9007199254740992])),
    () => Long.fromString(pick(['1', '2', '-3', '9007199254740993', '9223372036854775807', '-9223372036854775808'])),
    () => pick(['', 'a', 'ab', 'ab!', 'ab c', 'a<b', 'a"b', 'a\\b', 'B', 'é', '\u2028', '7']),
    () => pick(OIDS),
    () => pick([true, false]),
    () => pick(DATES),
  ];
  const scalar = () => pick(scalars)();
  const value = () => {
    const r = random();
    if (r < 0.08) return Array.from({ length: Math.floor(random() * 4) }, scalar);
    if (r < 0.11) return { x: scalar() };
    return scalar();
  };

  const indexed = () => db().collection('indexed');
  const plain = () => db().collection('plain');

  beforeAll(async () => {
    const docs = Array.from({ length: DOCS }, (_, _id) => {
      const doc: Document = { _id };
      for (const field of FIELDS) if (random() > 0.1) doc[field] = value();
      return doc;
    });
    const keys: Record<string, 1 | -1>[] = [{ a: 1, b: 1 }, { n: 1 }, { d: -1 }, { t: 1 }];
    for (const key of keys) await indexed().createIndex(key);
    await indexed().insertMany(docs);
    await plain().insertMany(docs);
  });

  function condition(): unknown {
    const r = random();
    if (r < 0.35) return scalar();
    if (r < 0.55) return { $in: Array.from({ length: 1 + Math.floor(random() * 4) }, scalar) };
    if (r < 0.9) {
      const ops = ['$gt', '$gte', '$lt', '$lte'];
      const bounds: Document = { [pick(ops)]: scalar() };
      if (random() < 0.5) bounds[pick(ops)] = scalar();
      return bounds;
    }
    return pick([{ $ne: scalar() }, { $exists: random() < 0.5 }, { $eq: scalar() }]);
  }

  function filter(nested = false): Document {
    const f: Document = {};
    const count = Math.floor(random() * 3);
    for (let i = 0; i < count; i++) f[pick(FIELDS)] = condition();
    if (!nested && random() < 0.15) f.$or = [filter(true), filter(true)];
    if (!nested && random() < 0.08) f.$and = [filter(true)];
    return f;
  }

  const idsOf = (docs: Document[]) => docs.map((d) => d._id as number);
  const sorted = (values: number[]) => [...values].sort((a, b) => a - b);

  it('for random filters over mixed types, arrays, nulls and missing fields', async () => {
    for (let q = 0; q < QUERIES; q++) {
      const f = filter();
      const [fromIndex, fromScan] = await Promise.all([indexed().find(f).toArray(), plain().find(f).toArray()]);
      expect({ q, filter: f, ids: sorted(idsOf(fromIndex)) }).toEqual({ q, filter: f, ids: sorted(idsOf(fromScan)) });
    }
  });

  it('for random sorts with a limit', async () => {
    for (let q = 0; q < QUERIES / 2; q++) {
      const f = filter();
      const field = pick(['n', 'd', 't', 'a']);
      const direction: 1 | -1 = random() < 0.5 ? 1 : -1;
      const sort: Sort = { [field]: direction };
      const limit = 1 + Math.floor(random() * 12);
      const skip = random() < 0.3 ? Math.floor(random() * 5) : 0;
      const fromIndex = await indexed().find(f).sort(sort).skip(skip).limit(limit).toArray();
      const everything = await plain().find(f).sort(sort).toArray();
      const expected = everything.slice(skip, skip + limit);
      // Ties may come in any order: each position must hold a value equal to the scan's.
      expect({ q, filter: f, sort, skip, limit, keys: fromIndex.map((d) => sortKey(d[field], direction)) }).toEqual({
        q,
        filter: f,
        sort,
        skip,
        limit,
        keys: expected.map((d) => sortKey(d[field], direction)),
      });
      const matching = new Set(idsOf(everything));
      expect(idsOf(fromIndex).filter((id) => !matching.has(id))).toEqual([]);
    }
  });

  it('for random sorts on two fields with a limit', async () => {
    for (let q = 0; q < QUERIES / 2; q++) {
      const f = filter();
      const first = pick(['n', 'd', 't', 'a']);
      const second = pick(['b', 'n', 'u', '_id'].filter((field) => field !== first));
      const directions: (1 | -1)[] = [random() < 0.5 ? 1 : -1, random() < 0.5 ? 1 : -1];
      const sort: Sort = { [first]: directions[0], [second]: directions[1] };
      const limit = 1 + Math.floor(random() * 12);
      const skip = random() < 0.3 ? Math.floor(random() * 5) : 0;
      const keys = (docs: Document[]) =>
        docs.map((d) => `${sortKey(d[first], directions[0])} ${sortKey(d[second], directions[1])}`);
      const fromIndex = await indexed().find(f).sort(sort).skip(skip).limit(limit).toArray();
      const everything = await plain().find(scan(f)).sort(sort).toArray();
      expect({ q, filter: f, sort, skip, limit, keys: keys(fromIndex) }).toEqual({
        q,
        filter: f,
        sort,
        skip,
        limit,
        keys: keys(everything.slice(skip, skip + limit)),
      });
    }
  });

  it('for random counts', async () => {
    for (let q = 0; q < QUERIES / 2; q++) {
      const f = filter();
      const expected = await plain().countDocuments(scan(f));
      expect({ q, filter: f, count: await indexed().countDocuments(f) }).toEqual({ q, filter: f, count: expected });
      const counted = await db().command({ count: 'indexed', query: f });
      expect({ q, filter: f, count: counted.n }).toEqual({ q, filter: f, count: expected });
    }
    expect(await indexed().estimatedDocumentCount()).toBe(DOCS);
  });
});

/**
 * `_id`s of every type, some strings reading as ObjectIds: pages by `_id` (from the `_id` index, or
 * from a compound index after an equality), ranges and counts answer as a scan does.
 */
describe('indexed queries on _id answer as a scan does', () => {
  const db = useScratchDatabase('index_id_equivalence');
  const DOCS = 300;
  const QUERIES = 120;
  let seed = 20261206;
  const random = () => {
    // mulberry32
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)];
  const oid = (i: number) => ObjectId.createFromTime(1_800_000_000 + i);
  // Strings with an ObjectId's text fall between the stored ObjectIds.
  const lookalike = (i: number) => oid(i).toHexString().replace(/0$/, '1');

  function idOf(i: number): unknown {
    const r = random();
    if (r < 0.6) return oid(i);
    if (r < 0.72) return lookalike(i);
    if (r < 0.8) return pick(['', 'a', 'zz', 'é']) + i;
    if (r < 0.86) return pick([() => new Int32(i), () => new Double(i + 0.5), () => Long.fromNumber(i)])();
    if (r < 0.9) return new Date(T0 + i);
    if (r < 0.95) return new Binary(Buffer.from([i & 255, i >> 8]));
    return { x: i };
  }

  const bound = () => (random() < 0.8 ? oid(Math.floor(random() * DOCS)) : pick(['m', 150, new Date(T0 + 100)]));
  function idCondition(): unknown {
    const r = random();
    if (r < 0.45) {
      const ops = ['$gt', '$gte', '$lt', '$lte'];
      const range: Document = { [pick(ops)]: bound() };
      if (random() < 0.4) range[pick(ops)] = bound();
      return range;
    }
    const one = () => (random() < 0.5 ? oid(Math.floor(random() * DOCS)) : lookalike(Math.floor(random() * DOCS)));
    if (r < 0.7) return { $in: Array.from({ length: 1 + Math.floor(random() * 4) }, one) };
    return one();
  }

  function filter(): Document {
    const f: Document = {};
    if (random() < 0.5) f.a = pick(['x', 'y', 'z', null]);
    if (random() < 0.6) f._id = idCondition();
    if (random() < 0.2) f.n = { $gte: Math.floor(random() * 10) };
    if (random() < 0.15) f.$or = [{ _id: idCondition() }, { a: pick(['x', 'y']) }];
    return f;
  }

  const indexed = () => db().collection('indexed');
  const plain = () => db().collection('plain');
  const idKey = (v: unknown) => (v instanceof Binary ? `binData ${v.toString('base64')}` : JSON.stringify(v));
  const ids = (docs: Document[]) => docs.map((d) => idKey(d._id));

  beforeAll(async () => {
    const docs = Array.from({ length: DOCS }, (_, i) => {
      const doc: Document = { _id: idOf(i) };
      if (random() < 0.9) doc.a = random() < 0.1 ? ['x', 'w'] : pick(['x', 'y', 'z', null]);
      doc.n = Math.floor(random() * 10);
      return doc;
    });
    // _id follows the equality on a: pages by a read _id from this index, the others from _id's.
    await indexed().createIndex({ a: 1, _id: -1 });
    await indexed().createIndex({ n: 1 });
    await indexed().insertMany(docs);
    await plain().insertMany(docs);
  });

  it('for random filters, sorts by _id with a limit, and counts', async () => {
    for (let q = 0; q < QUERIES; q++) {
      const f = filter();
      const all = await plain().find(scan(f)).toArray();
      const found = await indexed().find(f).toArray();
      expect({ q, filter: f, ids: ids(found).sort() }).toEqual({ q, filter: f, ids: ids(all).sort() });
      expect({ q, filter: f, count: await indexed().countDocuments(f) }).toEqual({ q, filter: f, count: all.length });

      const sort: Sort = random() < 0.7 ? { _id: pick([1, -1]) } : { a: pick([1, -1]), _id: pick([1, -1]) };
      const limit = 1 + Math.floor(random() * 12);
      const skip = random() < 0.3 ? Math.floor(random() * 5) : 0;
      const page = await indexed().find(f).sort(sort).skip(skip).limit(limit).toArray();
      const expected = await plain().find(scan(f)).sort(sort).skip(skip).limit(limit).toArray();
      expect({ q, filter: f, sort, skip, limit, ids: ids(page) }).toEqual({
        q,
        filter: f,
        sort,
        skip,
        limit,
        ids: ids(expected),
      });
    }
  });
});

/** The same filter, which the database can only answer by reading every document it selects. */
function scan(filter: Document): Document {
  return { $and: [filter, { $nor: [{ scanned: true }] }] };
}

// MongoDB's sort key of a value, as a string that is equal for equal keys: arrays sort by their
// smallest element ascending and largest descending; numbers of any type compare by value.
const BRACKET: Record<string, number> = {
  null: 1,
  number: 2,
  string: 3,
  object: 4,
  array: 5,
  objectId: 7,
  bool: 8,
  date: 9,
};

function typed(v: unknown): { bracket: number; key: string; num?: number | bigint } {
  if (v === null || v === undefined) return { bracket: BRACKET.null, key: 'null' };
  if (v instanceof Long) return number(BigInt(v.toString()));
  if (v instanceof Double || v instanceof Int32) return number(v.valueOf());
  if (typeof v === 'number') return number(v);
  if (typeof v === 'bigint') return number(v);
  if (typeof v === 'string') return { bracket: BRACKET.string, key: Buffer.from(v).toString('hex') };
  if (v instanceof ObjectId) return { bracket: BRACKET.objectId, key: v.toHexString() };
  if (typeof v === 'boolean') return { bracket: BRACKET.bool, key: String(v) };
  if (v instanceof Date) return { bracket: BRACKET.date, key: String(v.getTime()) };
  return { bracket: BRACKET.object, key: JSON.stringify(v) };
}

function number(n: number | bigint): { bracket: number; key: string; num: number | bigint } {
  const exact = typeof n === 'bigint' ? n : Number.isInteger(n) && Math.abs(n) < 2 ** 63 ? BigInt(n) : n;
  return { bracket: BRACKET.number, key: `n${String(exact)}`, num: exact };
}

function compareTyped(a: ReturnType<typeof typed>, b: ReturnType<typeof typed>): number {
  if (a.bracket !== b.bracket) return a.bracket - b.bracket;
  if (a.num !== undefined && b.num !== undefined) return a.num < b.num ? -1 : a.num > b.num ? 1 : 0;
  if (a.bracket === BRACKET.string || a.bracket === BRACKET.objectId)
    return Buffer.compare(Buffer.from(a.key, 'hex'), Buffer.from(b.key, 'hex'));
  const [x, y] =
    a.bracket === BRACKET.bool || a.bracket === BRACKET.object ? [a.key, b.key] : [Number(a.key), Number(b.key)];
  return x < y ? -1 : x > y ? 1 : 0;
}

function sortKey(v: unknown, direction: 1 | -1): string {
  if (Array.isArray(v)) {
    if (v.length === 0) return 'empty array';
    const elements = v.map(typed).sort(compareTyped);
    const chosen = direction === 1 ? elements[0] : elements[elements.length - 1];
    return `${chosen.bracket}:${chosen.key}`;
  }
  const t = typed(v);
  return `${t.bracket}:${t.key}`;
}
