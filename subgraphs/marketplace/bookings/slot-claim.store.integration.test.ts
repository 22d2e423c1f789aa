import { ObjectId } from 'mongodb';
import type { CommandStartedEvent } from 'mongodb';
import { useScratchDatabase } from '../../../test/scratch-database.js';
import { cellsCovering } from './slot-cells.js';
import { SlotClaimStore, type ClaimDocument } from './slot-claim.store.js';

const at = (iso: string) => new Date(iso);
const now = at('2026-03-01T08:00:00Z');
const holds = async () => 'holds' as const;

describe('cellsCovering', () => {
  it('covers a slot with 5-minute cells, rounding an off-grid slot outwards', () => {
    expect(cellsCovering(at('2026-03-02T10:00:00Z'), at('2026-03-02T10:30:00Z'))).toHaveLength(6);
    const off = cellsCovering(at('2026-03-02T10:02:00Z'), at('2026-03-02T10:11:00Z'));
    expect(off.map((c) => new Date(c).toISOString())).toEqual([
      '2026-03-02T10:00:00.000Z',
      '2026-03-02T10:05:00.000Z',
      '2026-03-02T10:10:00.000Z',
    ]);
  });
});

describe('SlotClaimStore', () => {
  const db = useScratchDatabase('slot_claims', { monitorCommands: true });
  let store: SlotClaimStore;
  beforeAll(async () => {
    store = new SlotClaimStore(db());
    await store.init();
  });
  const request = (centreId: string, start: string, end: string, bookingId = new ObjectId().toHexString()) => ({
    centreId,
    bays: 2,
    start: at(start),
    end: at(end),
    bookingId,
    owner: holds,
    now,
  });

  it('gives 50 concurrent claims on a 2-bay slot exactly two bays', async () => {
    const centre = new ObjectId().toHexString();
    const results = await Promise.all(
      Array.from({ length: 50 }, () => store.claim(request(centre, '2026-03-02T10:00:00Z', '2026-03-02T11:00:00Z'))),
    );
    const won = results.filter((r) => r !== null);
    expect(won.map((r) => r!.bay).sort()).toEqual([0, 1]);
    // the losers left nothing behind: 12 cells on each of the two bays
    const stored = await db().collection<ClaimDocument>('slot_claims').find({ centreId: centre }).toArray();
    expect(stored).toHaveLength(24);
    expect(new Set(stored.map((c) => c.bookingId)).size).toBe(2);
  });

  it('sees overlap between slots of different lengths and starts', async () => {
    const centre = new ObjectId().toHexString();
    const one = { ...request(centre, '2026-03-02T10:00:00Z', '2026-03-02T11:30:00Z'), bays: 1 };
    expect(await store.claim(one)).toMatchObject({ bay: 0 });
    const inside = { ...request(centre, '2026-03-02T11:00:00Z', '2026-03-02T11:15:00Z'), bays: 1 };
    expect(await store.claim(inside)).toBeNull();
    const after = { ...request(centre, '2026-03-02T11:30:00Z', '2026-03-02T12:00:00Z'), bays: 1 };
    expect(await store.claim(after)).toMatchObject({ bay: 0 });
    expect(await db().collection('slot_claims').countDocuments({ bookingId: inside.bookingId })).toBe(0);
  });

  it('takes over a claim its owner no longer holds, and keeps one it does', async () => {
    const centre = new ObjectId().toHexString();
    const first = { ...request(centre, '2026-03-02T14:00:00Z', '2026-03-02T14:30:00Z'), bays: 1 };
    await store.claim(first);
    const blocked = { ...request(centre, '2026-03-02T14:10:00Z', '2026-03-02T14:40:00Z'), bays: 1 };
    expect(await store.claim(blocked)).toBeNull();
    const stale = {
      ...blocked,
      owner: async (c: ClaimDocument) => (c.bookingId === first.bookingId ? ('stale' as const) : ('holds' as const)),
    };
    expect(await store.claim(stale)).toMatchObject({ bay: 0 });
    const cells = await db().collection<ClaimDocument>('slot_claims').find({ centreId: centre }).toArray();
    // the first booking's cells before the overlap are left alone: only what was in the way went
    expect(cells.filter((c) => c.bookingId === first.bookingId)).toHaveLength(2);
    expect(cells.filter((c) => c.bookingId === blocked.bookingId)).toHaveLength(6);
  });

  it('counts cells it already holds as its own (a move overlapping the old slot), and releases only its own', async () => {
    const centre = new ObjectId().toHexString();
    const booking = { ...request(centre, '2026-03-02T16:00:00Z', '2026-03-02T16:30:00Z'), bays: 1 };
    const old = await store.claim(booking);
    const moved = await store.claim({ ...booking, start: at('2026-03-02T16:15:00Z'), end: at('2026-03-02T16:45:00Z') });
    expect(moved).toMatchObject({ bay: 0 });
    const freed = old!.claims.filter((c) => !moved!.claims.includes(c));
    expect(freed).toHaveLength(3);
    await store.release(booking.bookingId, freed);
    await store.release('someone-else', moved!.claims);
    const left = await db().collection<ClaimDocument>('slot_claims').find({ centreId: centre }).toArray();
    expect(left.map((c) => c._id).sort()).toEqual([...moved!.claims].sort());
  });

  it('retention deletes the claims of cells before the cutoff and keeps the rest', async () => {
    const centre = new ObjectId().toHexString();
    await store.claim({ ...request(centre, '2026-02-01T10:00:00Z', '2026-02-01T10:30:00Z'), bays: 1 });
    await store.claim({ ...request(centre, '2026-04-01T10:00:00Z', '2026-04-01T10:30:00Z'), bays: 1 });
    expect(await store.deleteOlderThan(at('2026-03-01T00:00:00Z'))).toBeGreaterThanOrEqual(6);
    const left = await db().collection<ClaimDocument>('slot_claims').find({ centreId: centre }).toArray();
    expect(left.map((c) => c.cell.toISOString().slice(0, 10))).toEqual(Array(6).fill('2026-04-01'));
  });

  it('refuses a request for a full slot on one read, without writing', async () => {
    const centre = new ObjectId().toHexString();
    for (let i = 0; i < 2; i++) await store.claim(request(centre, '2026-03-05T10:00:00Z', '2026-03-05T11:00:00Z'));
    const commands: string[] = [];
    const listener = (event: CommandStartedEvent) => {
      if (event.databaseName === db().databaseName) commands.push(Object.keys(event.command)[0]!);
    };
    db().client.on('commandStarted', listener);
    try {
      expect(await store.claim(request(centre, '2026-03-05T10:30:00Z', '2026-03-05T11:00:00Z'))).toBeNull();
    } finally {
      db().client.off('commandStarted', listener);
    }
    expect(commands).toEqual(['find']);
  });
});
