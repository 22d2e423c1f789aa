import { ObjectId } from 'mongodb';
import { pino } from 'pino';
import type { VehicleAccess } from '../../../platform/access/vehicle-access.js';
import type { Viewer } from '../../../platform/auth/viewer.js';
import { InProcessEventBus } from '../../../platform/events/in-process.js';
import { StreamOutbox } from '../../../platform/events/stream-outbox.js';
import { useScratchDatabase } from '../../../test/scratch-database.js';
import { DtcStore } from '../dtcs/dtc.store.js';
import { TelemetryEvents, vehicleTopic } from '../live/telemetry-events.js';
import { LatestReadingStore } from '../readings/latest-reading.store.js';
import { ReadingStore } from '../readings/reading.store.js';
import type { TimedReading } from '../readings/series.js';
import { Idempotency } from './idempotency.js';
import { IdempotencyStore } from './idempotency.store.js';
import { IngestService } from './ingest.service.js';

const VEHICLE = new ObjectId().toHexString();
const DEVICE: Viewer = { kind: 'device', deviceId: 'd1', vehicleId: VEHICLE };
const access: VehicleAccess = { ownership: async (id) => ({ vehicleId: id, ownerId: 'owner', active: true }) };
const logger = pino({ level: 'silent' });
const bus = new InProcessEventBus();
const db = useScratchDatabase('ingest', { beforeDrop: () => bus.close() });

/** Latest readings whose next `failures` writes fail, as a database hiccup does. */
class FlakyLatest extends LatestReadingStore {
  failures = 0;
  override async record(vehicleId: string, readings: readonly TimedReading[]): Promise<void> {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('latest readings: connection reset');
    }
    return super.record(vehicleId, readings);
  }
}

/** One telemetry instance: stores of its own (its own caches), on the shared database and bus. */
function instance() {
  const latest = new FlakyLatest(db());
  const claims = new IdempotencyStore(db());
  const service = new IngestService({
    access,
    readings: new ReadingStore(db()),
    latest,
    dtcs: new DtcStore(db()),
    idempotency: new Idempotency(claims),
    events: new TelemetryEvents(bus, new StreamOutbox(db(), bus, logger), logger),
    retentionMs: 30 * 86_400_000,
  });
  return { service, latest, init: () => Promise.all([claims.init(), new ReadingStore(db()).init()]) };
}

const storedReadings = async () =>
  (await db().collection('reading_buckets').find({ vehicleId: VEHICLE }).toArray()).reduce(
    (n, d) => n + (d.count as number),
    0,
  );
/** Readings announced live for the vehicle while `during` runs. */
async function announced(during: () => Promise<void>): Promise<number> {
  let readings = 0;
  const off = bus.subscribe(vehicleTopic(VEHICLE), (event) => {
    readings += (event as { readings: unknown[] }).readings.length;
  });
  try {
    await during();
  } finally {
    off();
  }
  return readings;
}

describe('IngestService: one upload stored once (real database)', () => {
  it('a retry after the latest readings failed (the readings were stored) stores and announces them once', async () => {
    const { service, latest, init } = instance();
    await init();
    const upload = {
      vehicleId: VEHICLE,
      frames: ['41 0C 1A F8', '41 0D 32'],
      recordedAt: new Date(Date.now() - 60_000),
      idempotencyKey: 'partial-1',
    };
    latest.failures = 1;
    const events = await announced(async () => {
      await expect(service.ingestFrames(DEVICE, upload)).rejects.toThrow('connection reset');
      const retry = await service.ingestFrames(DEVICE, upload);
      expect(retry).toMatchObject({ readingsStored: 2 });
    });
    expect(await storedReadings()).toBe(2);
    expect(events).toBe(2);
    expect((await latest.find(VEHICLE)).map((r) => r.pid)).toEqual(['0C', '0D']);
  });

  it('the same, for an upload that leaves its time to the server: the retry is stored under the first try’s time', async () => {
    const { service, latest } = instance();
    const before = await storedReadings();
    const upload = { vehicleId: VEHICLE, frames: ['41 0C 0F A0'], idempotencyKey: 'partial-2' };
    latest.failures = 1;
    await expect(service.ingestFrames(DEVICE, upload)).rejects.toThrow('connection reset');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const retry = await service.ingestFrames(DEVICE, upload);
    const again = await service.ingestFrames(DEVICE, upload);
    expect(again).toEqual({ ...retry, duplicate: true });
    expect(await storedReadings()).toBe(before + 1);
  });

  it('rounds raced by two instances (a retry sent to another one) are stored once, each round under its own time', async () => {
    const [a, b] = [instance(), instance()];
    const before = await storedReadings();
    const t0 = Date.now() - 30_000;
    const rounds = Array.from({ length: 10 }, (_, i) => ({
      recordedAt: new Date(t0 + i * 1000),
      frames: i === 4 ? ['41 0C 1A F8', '41 0D 32', '43 01 03 01'] : ['41 0C 1A F8', '41 0D 32'],
    }));
    const upload = { vehicleId: VEHICLE, rounds, idempotencyKey: 'rounds-1' };
    const results = await Promise.all([a, b, a, b].map(({ service }) => service.ingestRounds(DEVICE, upload)));
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    for (const r of results)
      expect(r).toMatchObject({ readingsStored: 20, dtcsStored: 1, recordedAt: rounds[9].recordedAt });
    expect(await storedReadings()).toBe(before + 20);
    const times = (await db().collection('reading_buckets').find({ vehicleId: VEHICLE }).toArray()).flatMap((d) =>
      (d.series?.p0D?.t ?? []).map((t: number) => d.start.getTime() + t),
    );
    for (const round of rounds) expect(times).toContain(round.recordedAt.getTime());
    const dtc = await db().collection('dtcs').findOne({ vehicleId: VEHICLE, code: 'P0301' });
    expect(dtc?.lastSeenAt).toEqual(rounds[4].recordedAt);
  });
});
