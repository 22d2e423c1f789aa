import { ObjectId } from 'mongodb';
import { InProcessEventBus } from '../../../platform/events/in-process.js';
import { useScratchDatabase } from '../../../test/scratch-database.js';
import { waitFor } from '../../../test/wait-for.js';
import { BOOKING_COMPLETED, type BookingCompleted } from '../../marketplace/contract.js';
import { AlertEvents } from '../alerts/alert-events.js';
import { AlertOutboxStore } from '../alerts/alert-outbox.store.js';
import { AlertStore } from '../alerts/alert.store.js';
import { HealthProcessor } from '../state-machine/health-processor.js';
import { VehicleStateStore } from '../state-machine/vehicle-state.store.js';
import { SnapshotStore } from '../scoring/snapshot.store.js';
import { silentLogger } from '../testing/fakes.js';
import { BookingCompletions } from './booking-completions.js';
import { ServiceRecordStore } from './service-record.store.js';

const bus = new InProcessEventBus();
const db = useScratchDatabase('booking_completions', { beforeDrop: () => bus.close() });
let records: ServiceRecordStore;
let states: VehicleStateStore;
let processor: HealthProcessor;

beforeAll(async () => {
  states = new VehicleStateStore(db());
  const alerts = new AlertStore(db());
  const outbox = new AlertOutboxStore(db());
  records = new ServiceRecordStore(db());
  await Promise.all([states.init(), alerts.init(), outbox.init(), records.init(), new SnapshotStore(db()).init()]);
  processor = new HealthProcessor({
    states,
    alerts,
    snapshots: new SnapshotStore(db()),
    events: new AlertEvents(bus, outbox, alerts, silentLogger),
  });
});

const completion = (service: BookingCompleted['service'], vehicleId: string): BookingCompleted => ({
  bookingId: new ObjectId().toHexString(),
  centreId: new ObjectId().toHexString(),
  vehicleId,
  service,
  odometerKm: 48_000,
  partsReplaced: ['oil filter'],
  completedAt: new Date('2026-03-02T10:00:00Z'),
});

describe('BookingCompletions', () => {
  it('records a completed oil change as recordService does, once however often it is delivered', async () => {
    const completions = new BookingCompletions(bus, records, processor, silentLogger, { blockMs: 50 });
    await completions.start();
    try {
      const done = completion('OIL_CHANGE', 'v-oil');
      await bus.append(BOOKING_COMPLETED, done);
      await waitFor(async () => (await records.count('v-oil')) === 1, 'the service record');
      // a redelivery (another instance, a retry) stores and renews nothing twice
      await completions.handle({ id: 'again', stream: BOOKING_COMPLETED, payload: done, deliveryCount: 2 });
      expect(await records.forVehicle('v-oil')).toEqual([
        expect.objectContaining({ _id: new ObjectId(done.bookingId), kind: 'OIL_CHANGE', odometerKm: 48_000 }),
      ]);
      const state = (await states.latest('v-oil'))!.state;
      expect(state.applied.filter((key) => key === `booking:${done.bookingId}`)).toHaveLength(1);
    } finally {
      await completions.stop();
    }
  });

  it('records nothing for a service that renews nothing health models (roadside help)', async () => {
    const completions = new BookingCompletions(bus, records, processor, silentLogger);
    const done = completion('ROADSIDE', 'v-roadside');
    await completions.handle({ id: '1-0', stream: BOOKING_COMPLETED, payload: done, deliveryCount: 1 });
    expect(await records.count('v-roadside')).toBe(0);
  });
});
