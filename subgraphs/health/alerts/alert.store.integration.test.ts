import { itServesEveryQueryFromAnIndex, recordQueries } from '../../../test/indexed-queries.js';
import { useScratchDatabase } from '../../../test/scratch-database.js';
import { DAY_MS } from '../parts/part.js';
import { openedAlert } from '../testing/records.js';
import { ALERT_TRANSITION_INDEXES, AlertTransitionStore } from './alert-transitions.js';
import { ALERT_INDEXES, AlertStore, alertCursor } from './alert.store.js';

const NOW = Date.UTC(2025, 5, 2);
const CUTOFF = new Date(NOW - 730 * DAY_MS);
const LONG_AGO = NOW - 1000 * DAY_MS;

const db = useScratchDatabase('health_alerts', { monitorCommands: true });
const recorder = recordQueries(db);
let store: AlertStore;

beforeAll(async () => {
  store = new AlertStore(db());
  await store.init();
});

describe('AlertStore.deleteResolvedBefore', () => {
  it('deletes alerts resolved before the cutoff, and keeps unresolved ones however old and recently resolved ones', async () => {
    const open = async (id: string, at: number) => store.insertOpened(openedAlert(id, 'v1', at));
    await open('old-resolved', LONG_AGO);
    await store.resolve('old-resolved', new Date(LONG_AGO + DAY_MS));
    await open('old-open', LONG_AGO);
    await open('old-acknowledged', LONG_AGO);
    await store.acknowledge('old-acknowledged', 'owner', new Date(LONG_AGO + DAY_MS));
    // Opened before the cutoff, resolved after it: still within the history kept.
    await open('recently-resolved', LONG_AGO);
    await store.resolve('recently-resolved', new Date(NOW - DAY_MS));

    expect(await store.deleteResolvedBefore(CUTOFF)).toBe(1);

    expect(await store.findById('old-resolved')).toBeNull();
    expect(await store.findById('old-open')).toMatchObject({ status: 'OPEN' });
    expect(await store.findById('old-acknowledged')).toMatchObject({ status: 'ACKNOWLEDGED' });
    expect(await store.findById('recently-resolved')).toMatchObject({ status: 'RESOLVED' });
    expect(await store.deleteResolvedBefore(CUTOFF)).toBe(0);
  });
});

describe('AlertStore changes', () => {
  it('records each change once: the second resolve or acknowledgement changes nothing and returns null', async () => {
    await store.insertOpened(openedAlert('once', 'v2', NOW));
    const acknowledged = await store.acknowledge('once', 'owner', new Date(NOW + 1000));
    expect(acknowledged).toMatchObject({ status: 'ACKNOWLEDGED', acknowledgedBy: 'owner' });
    expect(await store.acknowledge('once', 'staff', new Date(NOW + 2000))).toBeNull();
    expect(await store.resolve('once', new Date(NOW + 3000))).toMatchObject({ status: 'RESOLVED' });
    expect(await store.resolve('once', new Date(NOW + 4000))).toBeNull();
    const alert = (await store.findById('once'))!;
    expect(alert).toMatchObject({ acknowledgedBy: 'owner', resolvedAt: new Date(NOW + 3000) });
    expect(alert.history.map((h) => [h.status, h.by])).toEqual([
      ['OPEN', null],
      ['ACKNOWLEDGED', 'owner'],
      ['RESOLVED', null],
    ]);
    expect(await store.resolve('never-opened', new Date(NOW))).toBeNull();
  });

  it('loses neither of two changes made at the same moment by two writers', async () => {
    for (let i = 0; i < 20; i++) {
      const id = `race-${i}`;
      await store.insertOpened(openedAlert(id, 'v3', NOW));
      await Promise.all([
        store.acknowledge(id, 'owner', new Date(NOW + 1000)),
        store.resolve(id, new Date(NOW + 2000)),
      ]);
      const alert = (await store.findById(id))!;
      expect(alert.status).toBe('RESOLVED');
      expect(alert.history.map((h) => h.status)).toEqual(['OPEN', 'ACKNOWLEDGED', 'RESOLVED']);
      expect(alert.acknowledgedBy).toBe('owner');
    }
  });
});

describe('AlertStore lists', () => {
  const open = (id: string, vehicleId: string, at: number, severity: 'CRITICAL' | 'HIGH' = 'CRITICAL') =>
    store.insertOpened({ ...openedAlert(id, vehicleId, at), severity });

  it("lists a vehicle's alerts newest first (ties by id), all or of the statuses asked", async () => {
    await open('l-a', 'lv', NOW);
    await open('l-b', 'lv', NOW + 1000);
    await open('l-c', 'lv', NOW + 1000);
    await open('l-other', 'lv-2', NOW + 5000);
    await store.resolve('l-b', new Date(NOW + 2000));
    const ids = (alerts: { _id: string }[]) => alerts.map((a) => a._id);

    expect(ids(await store.forVehicle('lv'))).toEqual(['l-c', 'l-b', 'l-a']);
    expect(ids(await store.forVehicle('lv', ['OPEN', 'ACKNOWLEDGED']))).toEqual(['l-c', 'l-a']);
    expect(ids(await store.openedSince('lv', new Date(NOW + 1000)))).toEqual(['l-c', 'l-b']);
  });

  it('pages the fleet newest first through ties of openedAt, filtered by status and severity', async () => {
    const at = NOW + 10 * DAY_MS;
    for (const n of [1, 2, 3, 4, 5]) await open(`f-${n}`, `fv-${n}`, at, n % 2 ? 'CRITICAL' : 'HIGH');
    await open('f-newest', 'fv-0', at + 1000, 'HIGH');
    await store.resolve('f-3', new Date(at + 2000));

    const pageThrough = async (query: Parameters<AlertStore['fleet']>[0]) => {
      const seen: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await store.fleet(query, { first: 2, after });
        seen.push(...page.items.map((a) => a._id));
        if (!page.hasNextPage) return { seen, totalCount: await page.count() };
        after = alertCursor(page.items.at(-1)!);
      }
    };
    const fleet = await pageThrough({});
    expect(fleet.seen.slice(0, 6)).toEqual(['f-newest', 'f-5', 'f-4', 'f-3', 'f-2', 'f-1']);
    expect(new Set(fleet.seen).size).toBe(fleet.seen.length);
    expect(fleet.totalCount).toBe(fleet.seen.length);
    expect((await pageThrough({ severity: 'CRITICAL', status: 'OPEN' })).seen.slice(0, 2)).toEqual(['f-5', 'f-1']);
    expect((await pageThrough({ severity: 'HIGH' })).seen.slice(0, 3)).toEqual(['f-newest', 'f-4', 'f-2']);
    expect((await pageThrough({ status: 'RESOLVED' })).seen).toContain('f-3');
  });
});

itServesEveryQueryFromAnIndex(recorder, () => ({
  [AlertStore.collection]: ALERT_INDEXES,
  [AlertTransitionStore.collection]: ALERT_TRANSITION_INDEXES,
}));
