import { itServesEveryQueryFromAnIndex, recordQueries } from '../../../test/indexed-queries.js';
import { useScratchDatabase } from '../../../test/scratch-database.js';
import { decodeDtcCursor, encodeDtcCursor } from './dtc-cursor.js';
import { DTC_INDEXES, DtcStore, type DtcPosition } from './dtc.store.js';

const db = useScratchDatabase('dtcs', { monitorCommands: true });
const recorder = recordQueries(db);
let store: DtcStore;
beforeAll(async () => {
  store = new DtcStore(db());
  await store.init();
});

const t = (minute: number) => new Date(Date.UTC(2025, 2, 1, 10, minute));
const statusOf = async (vehicleId: string) =>
  Object.fromEntries((await store.list(vehicleId)).map((d) => [d.code, d.status]));

describe('DtcStore (real database)', () => {
  it('records first and last sighting, and keeps a confirmed code ACTIVE when it also shows as pending', async () => {
    await store.report('v1', 'pending', ['P0301'], t(0));
    expect(await statusOf('v1')).toEqual({ P0301: 'PENDING' });
    await store.report('v1', 'confirmed', ['P0301', 'P0133'], t(5));
    await store.report('v1', 'pending', ['P0301'], t(6));
    expect(await statusOf('v1')).toEqual({ P0301: 'ACTIVE', P0133: 'ACTIVE' });
    const [p0301] = await store.list('v1', 'ACTIVE').then((all) => all.filter((d) => d.code === 'P0301'));
    expect(p0301).toMatchObject({ firstSeenAt: t(0), lastSeenAt: t(6), clearedAt: null });
    expect(p0301.history).toEqual([
      { status: 'PENDING', at: t(0) },
      { status: 'ACTIVE', at: t(5) },
    ]);
  });

  it('clears active and pending codes with mode 04 semantics, keeping their history, and reactivates on a later report', async () => {
    await store.report('v2', 'confirmed', ['P0420'], t(0));
    await store.report('v2', 'pending', ['P0171'], t(0));
    expect((await store.clear('v2', t(10))).sort()).toEqual(['P0171', 'P0420']);
    expect(await store.clear('v2', t(11))).toEqual([]);
    expect(await statusOf('v2')).toEqual({ P0420: 'CLEARED', P0171: 'CLEARED' });
    expect((await store.list('v2', 'CLEARED'))[0].clearedAt).toEqual(t(10));

    // A device uploading its backlog from before the clear does not bring the code back...
    await store.report('v2', 'confirmed', ['P0420'], t(9));
    expect(await statusOf('v2')).toMatchObject({ P0420: 'CLEARED' });
    // ...a fresh report does.
    await store.report('v2', 'confirmed', ['P0420'], t(20));
    await store.report('v2', 'pending', ['P0171'], t(21));
    const [p0420] = await store.list('v2', 'ACTIVE');
    expect(p0420).toMatchObject({ code: 'P0420', clearedAt: null, firstSeenAt: t(0), lastSeenAt: t(20) });
    expect(p0420.history.map((h) => h.status)).toEqual(['ACTIVE', 'CLEARED', 'ACTIVE']);
    expect(await statusOf('v2')).toMatchObject({ P0171: 'PENDING' });
  });

  it('pages by last sighting then code, resuming after a position, through ties at one time', async () => {
    await store.report('pages', 'confirmed', ['P0300', 'P0420', 'P0171', 'P0133', 'P0301'], t(0));
    await store.report('pages', 'confirmed', ['P0128', 'P0442', 'P0455'], t(1));
    const order = ['P0128', 'P0442', 'P0455', 'P0133', 'P0171', 'P0300', 'P0301', 'P0420'];
    const seen: string[] = [];
    let after: DtcPosition | undefined;
    for (;;) {
      const docs = await store.page('pages', { limit: 3, after });
      seen.push(...docs.map((d) => d.code));
      if (docs.length < 3) break;
      // Through the cursor a client would hold.
      after = decodeDtcCursor(encodeDtcCursor(docs.at(-1)!));
    }
    expect(seen).toEqual(order);
    expect(await store.count('pages')).toBe(8);
    expect(await store.count('pages', 'PENDING')).toBe(0);
    expect((await store.page('pages', { limit: 100, status: 'PENDING' })).length).toBe(0);
  });

  it('keeps one document per vehicle and code when the first reports race (the unique index decides)', async () => {
    await Promise.all(Array.from({ length: 6 }, (_, i) => store.report('race', 'confirmed', ['P0300'], t(i))));
    const all = await store.list('race');
    expect(all).toHaveLength(1);
    expect(all[0].status).toBe('ACTIVE');
    expect(await store.list('nobody')).toEqual([]);
  });

  it('applies reports of one code racing from many uploads at once, with nothing serialising them', async () => {
    // Pending and confirmed replies of one code, all in flight together.
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.report('busy', i % 2 ? 'confirmed' : 'pending', ['P0302'], t(i))),
    );
    const [doc] = await store.list('busy');
    expect(doc).toMatchObject({ status: 'ACTIVE', firstSeenAt: t(0), lastSeenAt: t(19), clearedAt: null });
    // One status change into ACTIVE at most, and the history ends where the status is.
    expect(doc.history.filter((h) => h.status === 'ACTIVE')).toHaveLength(1);
    expect(doc.history.at(-1)!.status).toBe('ACTIVE');
  });

  it('returns exactly the codes a clear changed while reports of the vehicle land at the same time', async () => {
    const codes = Array.from({ length: 10 }, (_, i) => `P01${String(i).padStart(2, '0')}`);
    await store.report('clearing', 'confirmed', codes, t(0));
    const [cleared] = await Promise.all([
      store.clear('clearing', t(10)),
      store.report('clearing', 'confirmed', ['P0200'], t(11)),
      store.report('clearing', 'confirmed', ['P0100'], t(12)),
    ]);
    const changed = (await store.list('clearing'))
      .filter((d) => d.history.some((h) => h.status === 'CLEARED' && h.at.getTime() === t(10).getTime()))
      .map((d) => d.code);
    expect(cleared.sort()).toEqual(changed.sort());
    expect(cleared).not.toContain('P0200');
    expect(cleared.length).toBeGreaterThanOrEqual(9);
  });
});

itServesEveryQueryFromAnIndex(recorder, () => ({ [DtcStore.collection]: DTC_INDEXES }));
