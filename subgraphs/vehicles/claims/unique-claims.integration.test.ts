import { ObjectId } from 'mongodb';
import { useScratchDatabase } from '../../../test/scratch-database.js';
import { IN_FLIGHT_GRACE_MS, UniqueClaims, claimedRecently } from './unique-claims.js';

const db = useScratchDatabase('claims');

const live = async () => true;
const dead = async () => false;

describe('UniqueClaims (real database)', () => {
  it('lets exactly one of many concurrent claims of a key win', async () => {
    const claims = new UniqueClaims(db(), 'race');
    const holders = Array.from({ length: 8 }, () => new ObjectId());
    const results = await Promise.all(holders.map((h) => claims.acquire('KEY', h, live)));
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = holders[results.indexOf(true)]!;
    expect((await claims.find('KEY'))!.holder.equals(winner)).toBe(true);
  });

  it('releases only for the holder', async () => {
    const claims = new UniqueClaims(db(), 'release');
    const [a, b] = [new ObjectId(), new ObjectId()];
    expect(await claims.acquire('K', a, live)).toBe(true);
    await claims.release('K', b);
    expect(await claims.acquire('K', b, live)).toBe(false);
    await claims.release('K', a);
    expect(await claims.acquire('K', b, live)).toBe(true);
  });

  it('takes over a claim whose holder is dead', async () => {
    const claims = new UniqueClaims(db(), 'stale');
    const [a, b] = [new ObjectId(), new ObjectId()];
    await claims.acquire('K', a, live);
    expect(await claims.acquire('K', b, dead)).toBe(true);
    expect((await claims.find('K'))!.holder.equals(b)).toBe(true);
  });

  it('counts a fresh claim without a holder as in flight', () => {
    const at = new Date('2026-01-01T00:00:00Z');
    const claim = { _id: 'K', holder: new ObjectId(), claimedAt: at };
    expect(claimedRecently(claim, at.getTime() + IN_FLIGHT_GRACE_MS - 1)).toBe(true);
    expect(claimedRecently(claim, at.getTime() + IN_FLIGHT_GRACE_MS)).toBe(false);
  });
});
