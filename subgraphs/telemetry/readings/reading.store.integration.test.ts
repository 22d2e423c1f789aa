import type { CommandSucceededEvent } from 'mongodb';
import { useScratchDatabase } from '../../../test/scratch-database.js';
import { itServesEveryQueryFromAnIndex, recordQueries } from '../../../test/indexed-queries.js';
import { READING_BUCKET_INDEXES, ReadingStore, type BucketDocument } from './reading.store.js';
import type { TimedReading } from './series.js';

const db = useScratchDatabase('readings', { monitorCommands: true });
const recorder = recordQueries(db);

const reading = (pid: string, name: string, value: number, iso: string): TimedReading => ({
  pid,
  name,
  unit: '',
  value,
  recordedAt: new Date(iso),
});
const rpm = (value: number, iso: string) => reading('0C', 'Engine speed', value, iso);
const speed = (value: number, iso: string) => reading('0D', 'Vehicle speed', value, iso);

/** A vehicle's bucket documents by hour, then in the order they were opened (sorted here: the test's own query). */
const bucketsOf = async (vehicleId: string) =>
  (await db().collection<BucketDocument>('reading_buckets').find({ vehicleId }).toArray()).sort(
    (a, b) => a.start.getTime() - b.start.getTime() || a._id.length - b._id.length || a._id.localeCompare(b._id),
  );

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

describe('ReadingStore (real database)', () => {
  it('keeps one document per vehicle and hour, and opens another when one is full', async () => {
    const store = new ReadingStore(db(), 4);
    await store.init();
    await store.append('v1', [rpm(800, '2025-03-01T10:00:00Z'), speed(0, '2025-03-01T10:00:00Z')]);
    await store.append('v1', [rpm(900, '2025-03-01T10:00:01Z'), speed(5, '2025-03-01T10:00:01Z')]);
    // The hour's document is full (4): this goes to a new one, as does the next hour.
    await store.append('v1', [rpm(1000, '2025-03-01T10:00:02Z'), rpm(1100, '2025-03-01T11:00:00Z')]);
    await store.append('v2', [rpm(5000, '2025-03-01T10:00:00Z')]);

    const docs = await bucketsOf('v1');
    expect(docs.map((d) => [d.start.toISOString(), d.count])).toEqual([
      ['2025-03-01T10:00:00.000Z', 4],
      ['2025-03-01T10:00:00.000Z', 1],
      ['2025-03-01T11:00:00.000Z', 1],
    ]);
    expect(docs[0]).toMatchObject({ first: new Date('2025-03-01T10:00:00Z'), last: new Date('2025-03-01T10:00:01Z') });
    expect(docs[0].series.p0C).toMatchObject({
      pid: '0C',
      name: 'Engine speed',
      count: 2,
      sum: 1700,
      min: 800,
      max: 900,
    });
    expect(docs[0]._id).toMatch(/^v1:\d+:0$/);
    // Columns: milliseconds after the hour, and values.
    expect(docs[0].series.p0C).toMatchObject({ t: [0, 1000], v: [800, 900] });
    const indexes = (await db().collection('reading_buckets').indexes()).map((i) => i.key);
    expect(indexes).toEqual(expect.arrayContaining([{ vehicleId: 1, start: 1 }, { start: 1 }]));
  });

  it('splits one upload larger than a document across documents, never past the capacity', async () => {
    const store = new ReadingStore(db(), 3);
    await store.append(
      'big',
      Array.from({ length: 8 }, (_, i) => rpm(i, `2025-03-01T10:00:0${i}Z`)),
    );
    const counts = (await db().collection<BucketDocument>('reading_buckets').find({ vehicleId: 'big' }).toArray()).map(
      (d) => d.count,
    );
    expect(counts.sort()).toEqual([2, 3, 3]);
  });

  it('continues, after a restart, in the first document of the hour with room', async () => {
    const before = new ReadingStore(db(), 4);
    await before.append('restart', [rpm(1, '2025-03-01T10:00:00Z'), rpm(2, '2025-03-01T10:00:01Z')]);
    await before.append('restart', [rpm(3, '2025-03-01T10:00:02Z'), rpm(4, '2025-03-01T10:00:03Z')]);
    await before.append('restart', [rpm(5, '2025-03-01T10:00:04Z')]);
    // A new process knows nothing of the open documents: it reads them back by _id.
    const after = new ReadingStore(db(), 4);
    await after.append('restart', [rpm(6, '2025-03-01T10:00:05Z'), rpm(7, '2025-03-01T10:00:06Z')]);
    await after.append('restart', [rpm(8, '2025-03-01T10:00:07Z'), rpm(9, '2025-03-01T10:00:08Z')]);
    const docs = await db().collection<BucketDocument>('reading_buckets').find({ vehicleId: 'restart' }).toArray();
    expect(docs.map((d) => [d._id.split(':')[2], d.count]).sort()).toEqual([
      ['0', 4],
      ['1', 3],
      ['2', 2],
    ]);
  });

  it('lets the database judge the fill: a document another instance filled is never overfilled', async () => {
    const a = new ReadingStore(db(), 4);
    const b = new ReadingStore(db(), 4);
    await b.append('shared', [rpm(1, '2025-03-01T10:00:00Z'), rpm(2, '2025-03-01T10:00:01Z')]);
    // `a` fills the document `b` believes has room for two more.
    await a.append('shared', [rpm(3, '2025-03-01T10:00:02Z'), rpm(4, '2025-03-01T10:00:03Z')]);
    await b.append('shared', [rpm(5, '2025-03-01T10:00:04Z'), rpm(6, '2025-03-01T10:00:05Z')]);
    const docs = await bucketsOf('shared');
    expect(docs.map((d) => [d._id.split(':')[2], d.count, d.series.p0C.v])).toEqual([
      ['0', 4, [1, 2, 3, 4]],
      ['1', 2, [5, 6]],
    ]);
  });

  it('two instances appending to one vehicle at once lose nothing and never pass the capacity', async () => {
    const capacity = 10;
    const stores = [new ReadingStore(db(), capacity), new ReadingStore(db(), capacity)];
    let value = 0;
    const uploads = Array.from({ length: 60 }, (_, i) =>
      Array.from({ length: 1 + (i % 3) }, () => rpm(++value, '2025-03-01T12:00:00Z')),
    );
    // Both instances at once, several uploads in flight each: no lock anywhere in between.
    await Promise.all(uploads.map((upload, i) => stores[i % 2].append('racing', upload)));
    const docs = await db().collection<BucketDocument>('reading_buckets').find({ vehicleId: 'racing' }).toArray();
    const stored = docs.flatMap((d) => d.series.p0C.v);
    expect(stored.sort((x, y) => x - y)).toEqual(Array.from({ length: value }, (_, i) => i + 1));
    for (const doc of docs) {
      expect(doc.count).toBeLessThanOrEqual(capacity);
      expect(doc.series.p0C.t).toHaveLength(doc.count);
      expect(doc.series.p0C.count).toBe(doc.count);
    }
    expect(docs.length).toBeGreaterThanOrEqual(Math.ceil(value / capacity));
  });

  it('sends appends of one vehicle in flight together to different documents rather than racing for one', async () => {
    const store = new ReadingStore(db(), 4);
    const collisions: unknown[] = [];
    const watch = (event: CommandSucceededEvent) => {
      const reply = event.reply as { writeErrors?: unknown[] };
      if (event.commandName === 'update' && reply.writeErrors) collisions.push(...reply.writeErrors);
    };
    db().client.on('commandSucceeded', watch);
    try {
      await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          store.append('inflight', [rpm(2 * i, '2025-03-01T13:00:00Z'), rpm(2 * i + 1, '2025-03-01T13:00:01Z')]),
        ),
      );
    } finally {
      db().client.off('commandSucceeded', watch);
    }
    const docs = await db().collection<BucketDocument>('reading_buckets').find({ vehicleId: 'inflight' }).toArray();
    expect(docs.map((d) => d.count)).toEqual([4, 4, 4, 4]);
    // No upsert was sent to a document that this process already knew had no room for it.
    expect(collisions).toEqual([]);
  });

  it('goes on past an hour begun with a larger capacity (an earlier build), and reads see both', async () => {
    // A document written before the capacity was lowered: already past today's.
    const store = new ReadingStore(db(), 4);
    await new ReadingStore(db(), 10).append(
      'older',
      Array.from({ length: 6 }, (_, i) => rpm(i, `2025-03-01T10:00:0${i}Z`)),
    );
    await store.append('older', [rpm(6, '2025-03-01T10:00:06Z')]);
    const docs = await bucketsOf('older');
    expect(docs.map((d) => [d._id.split(':')[2], d.count])).toEqual([
      ['0', 6],
      ['1', 1],
    ]);
    const points = await collect(
      store.points('older', 'p0C', new Date('2025-03-01T10:00:00Z'), new Date('2025-03-01T11:00:00Z')),
    );
    expect(points.map((p) => p.v).sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it("reads one series' summaries and points in a range, and no other vehicle's", async () => {
    const store = new ReadingStore(db());
    const summaries = await store.summaries(
      'v1',
      'p0C',
      new Date('2025-03-01T10:00:00Z'),
      new Date('2025-03-01T11:00:00Z'),
    );
    expect(summaries.reduce((n, s) => n + s.count, 0)).toBe(3);
    const points = await collect(
      store.points('v1', 'p0C', new Date('2025-03-01T10:00:01Z'), new Date('2025-03-01T11:00:00.001Z')),
    );
    expect(points.map((p) => p.v).sort()).toEqual([1000, 1100, 900]);
  });

  it('replays several series as snapshots in time order', async () => {
    const store = new ReadingStore(db());
    const snapshots = await collect(
      store.snapshots('v1', ['p0C', 'p0D'], new Date('2025-03-01T09:00:00Z'), new Date('2025-03-01T12:00:00Z')),
    );
    expect(snapshots.map((s) => [new Date(s.t).toISOString(), s.values])).toEqual([
      ['2025-03-01T10:00:00.000Z', { p0C: 800, p0D: 0 }],
      ['2025-03-01T10:00:01.000Z', { p0C: 900, p0D: 5 }],
      ['2025-03-01T10:00:02.000Z', { p0C: 1000 }],
      ['2025-03-01T11:00:00.000Z', { p0C: 1100 }],
    ]);
  });

  it('deletes only documents whose whole hour is older than the cutoff', async () => {
    const store = new ReadingStore(db());
    await store.deleteOlderThan(new Date('2025-03-01T11:30:00Z'));
    const left = await db().collection<BucketDocument>('reading_buckets').find({ vehicleId: 'v1' }).toArray();
    expect(left.map((d) => d.start.toISOString())).toEqual(['2025-03-01T11:00:00.000Z']);
  });
});

describe('ReadingStore.appendOnce (real database)', () => {
  const upload = (id: string, fingerprint = 'f1', result = { readingsStored: 1 }) => ({
    id,
    fingerprint,
    result,
    receipts: true,
  });
  const countOf = async (vehicleId: string) => (await bucketsOf(vehicleId)).reduce((n, d) => n + d.count, 0);
  const at = (iso: string) => new Date(iso);

  it('stores an upload once however often it is retried, gives the first result back, and refuses a reused key', async () => {
    const store = new ReadingStore(db(), 20);
    const readings = [rpm(1, '2025-03-02T10:00:01Z'), rpm(2, '2025-03-02T10:00:02Z')];
    const first = await store.appendOnce(
      'once',
      upload('u1', 'f1', { readingsStored: 2 }),
      readings,
      at('2025-03-02T10:00:02Z'),
    );
    expect(first).toEqual({ stored: readings, earlier: null, conflict: false });
    const retry = await store.appendOnce(
      'once',
      upload('u1', 'f1', { readingsStored: 99 }),
      readings,
      at('2025-03-02T10:00:02Z'),
    );
    expect(retry).toEqual({ stored: [], earlier: { readingsStored: 2 }, conflict: false });
    const reused = await store.appendOnce(
      'once',
      upload('u1', 'f2'),
      [rpm(3, '2025-03-02T10:00:01Z')],
      at('2025-03-02T10:00:01Z'),
    );
    expect(reused.conflict).toBe(true);
    expect(await countOf('once')).toBe(2);
  });

  it('two instances racing one upload store it once; exactly one of them stored it', async () => {
    const stores = [new ReadingStore(db(), 20), new ReadingStore(db(), 20)];
    const readings = Array.from({ length: 30 }, (_, i) =>
      rpm(i, new Date(Date.parse('2025-03-02T10:59:50Z') + i * 1000).toISOString()),
    );
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        stores[i % 2].appendOnce('race', upload('u1'), readings, at('2025-03-02T11:00:19Z')),
      ),
    );
    expect(outcomes.reduce((n, o) => n + o.stored.length, 0)).toBe(30);
    expect(outcomes.filter((o) => o.earlier === null)).toHaveLength(1);
    expect(await countOf('race')).toBe(30);
  });

  it("small uploads share their slot's document up to the capacity, then go to their own; retries of both find their receipts", async () => {
    const store = new ReadingStore(db(), 20);
    const round = (i: number) => [rpm(2 * i, '2025-03-02T10:00:01Z'), rpm(2 * i + 1, '2025-03-02T10:00:02Z')];
    for (let i = 0; i < 12; i++) await store.appendOnce('slots', upload(`u${i}`), round(i), at('2025-03-02T10:00:02Z'));
    const docs = await bucketsOf('slots');
    expect(docs.map((d) => [d._id.split(':')[2], d.count])).toEqual([
      ['s0', 20],
      ['uu10.0', 2],
      ['uu11.0', 2],
    ]);
    // Retries, in another process: nothing stored again, wherever the first try went.
    const other = new ReadingStore(db(), 20);
    for (const i of [3, 11]) {
      const retry = await other.appendOnce('slots', upload(`u${i}`), round(i), at('2025-03-02T10:00:02Z'));
      expect(retry).toMatchObject({ stored: [], earlier: { readingsStored: 1 } });
    }
    expect(await countOf('slots')).toBe(24);
  });

  it('a retry after a partial failure stores only what the failed try did not', async () => {
    const store = new ReadingStore(db(), 20);
    const buckets = (store as unknown as { buckets: { updateOne: (...args: unknown[]) => Promise<unknown> } }).buckets;
    const original = buckets.updateOne.bind(buckets);
    let calls = 0;
    const spy = jest.spyOn(buckets, 'updateOne').mockImplementation((...args: unknown[]) => {
      calls += 1;
      return calls === 2 ? Promise.reject(new Error('connection reset')) : original(...args);
    });
    // Across an hour: two chunks, two documents.
    const readings = [rpm(1, '2025-03-02T10:59:59Z'), rpm(2, '2025-03-02T11:00:00Z')];
    try {
      await expect(store.appendOnce('partial', upload('u1'), readings, at('2025-03-02T11:00:00Z'))).rejects.toThrow(
        'connection reset',
      );
      expect(await countOf('partial')).toBe(1);
      const retry = await store.appendOnce('partial', upload('u1'), readings, at('2025-03-02T11:00:00Z'));
      expect(retry).toEqual({ stored: [readings[1]], earlier: { readingsStored: 1 }, conflict: false });
    } finally {
      spy.mockRestore();
    }
    expect(await countOf('partial')).toBe(2);
  });

  /** The insert and update commands sent while `run` runs. */
  async function writesDuring(run: () => Promise<unknown>): Promise<string[]> {
    const sent: string[] = [];
    const listener = (event: CommandSucceededEvent) => {
      if (['insert', 'update'].includes(event.commandName)) sent.push(event.commandName);
    };
    db().client.on('commandSucceeded', listener);
    try {
      await run();
    } finally {
      db().client.off('commandSucceeded', listener);
    }
    return sent;
  }

  it("stores a dongle's upload of 30 rounds (300 readings) as one insert of one document", async () => {
    const store = new ReadingStore(db());
    const readings = Array.from({ length: 300 }, (_, i) =>
      rpm(i, new Date(Date.parse('2025-03-02T10:00:00Z') + 100 * i).toISOString()),
    );
    const sent = await writesDuring(() =>
      store.appendOnce('rounds30', upload('u1'), readings, at('2025-03-02T10:00:30Z')),
    );
    expect(sent).toEqual(['insert']);
    expect((await bucketsOf('rounds30')).map((d) => d.count)).toEqual([300]);
  });

  it("inserts an upload's own documents whole (no update operators), holding what the readings say", async () => {
    // Own documents of at most 20 readings here, as shared ones.
    const store = new ReadingStore(db(), 20, undefined, 20);
    // 25 readings of one hour: chunks of 20 and 5, each large enough for a document of its own.
    const readings = Array.from({ length: 25 }, (_, i) =>
      (i % 2 ? speed : rpm)(i, new Date(Date.parse('2025-03-02T10:00:00Z') + i * 1000).toISOString()),
    );
    const sent = await writesDuring(() =>
      store.appendOnce('whole', upload('u1', 'f1', { readingsStored: 25 }), readings, at('2025-03-02T10:00:24Z')),
    );
    expect(sent).toEqual(['insert', 'insert']);
    const [first, second] = await bucketsOf('whole');
    expect(first).toEqual({
      _id: `whole:${Date.parse('2025-03-02T10:00:00Z')}:uu1.0`,
      vehicleId: 'whole',
      start: at('2025-03-02T10:00:00Z'),
      count: 20,
      first: at('2025-03-02T10:00:00Z'),
      last: at('2025-03-02T10:00:19Z'),
      series: {
        p0C: expect.objectContaining({
          pid: '0C',
          name: 'Engine speed',
          unit: '',
          count: 10,
          sum: 90,
          min: 0,
          max: 18,
        }),
        p0D: expect.objectContaining({
          pid: '0D',
          name: 'Vehicle speed',
          unit: '',
          count: 10,
          sum: 100,
          min: 1,
          max: 19,
        }),
      },
      receipts: { u1: { f: 'f1', r: { readingsStored: 25 } } },
    });
    expect(first.series.p0C.t).toEqual([0, 2000, 4000, 6000, 8000, 10000, 12000, 14000, 16000, 18000]);
    expect(first.series.p0D.v).toEqual([1, 3, 5, 7, 9, 11, 13, 15, 17, 19]);
    expect(second).toMatchObject({ count: 5, receipts: { u1: { f: 'f1' } } });
    expect(second.receipts?.u1.r).toBeUndefined();
    // Read back as any other readings, and a retry finds its receipts.
    const points = await collect(store.points('whole', 'p0C', at('2025-03-02T10:00:00Z'), at('2025-03-02T11:00:00Z')));
    expect(points.map((p) => p.v).sort((a, b) => a - b)).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24]);
    const retry = await store.appendOnce('whole', upload('u1'), readings, at('2025-03-02T10:00:24Z'));
    expect(retry).toEqual({ stored: [], earlier: { readingsStored: 25 }, conflict: false });
    expect(await countOf('whole')).toBe(25);
  });

  it('stores an upload without a key every time it is sent (there is nothing to tell a retry by)', async () => {
    const store = new ReadingStore(db(), 20);
    const readings = [rpm(1, '2025-03-02T10:00:01Z')];
    for (let i = 0; i < 2; i++) {
      await store.appendOnce('keyless', { ...upload(`r${i}`), receipts: false }, readings, at('2025-03-02T10:00:01Z'));
    }
    expect(await countOf('keyless')).toBe(2);
    expect((await bucketsOf('keyless'))[0].receipts).toBeUndefined();
  });
});

itServesEveryQueryFromAnIndex(recorder, () => ({ [ReadingStore.collection]: READING_BUCKET_INDEXES }));
