import type { ConsumeOptions, EventBus } from '../../../platform/events/bus.js';
import { InProcessEventBus } from '../../../platform/events/in-process.js';
import { waitFor } from '../../../test/wait-for.js';
import {
  TELEMETRY_DTCS,
  TELEMETRY_READINGS,
  telemetryDtcsEventSchema,
  telemetryReadingsEventSchema,
} from '../../telemetry/contract.js';
import { HEALTH_COMMANDS } from '../alerts/alert-events.js';
import { silentLogger } from '../testing/fakes.js';
import { round, at } from '../testing/readings.js';
import { healthCommandSchema } from './health-commands.js';
import type { HealthProcessor } from './health-processor.js';
import { parseTelemetryEvent, TelemetryConsumer } from './telemetry-consumer.js';

describe('parseTelemetryEvent', () => {
  it('turns telemetry payloads into processor inputs', () => {
    const readings = round(at(0), { rpm: 900 });
    expect(
      parseTelemetryEvent(TELEMETRY_READINGS, { vehicleId: 'v', recordedAt: readings[0].recordedAt, readings }),
    ).toEqual({
      vehicleId: 'v',
      input: { kind: 'readings', readings },
    });
    expect(
      parseTelemetryEvent(TELEMETRY_DTCS, {
        vehicleId: 'v',
        codes: ['P0301'],
        mode: 'cleared',
        recordedAt: '2025-06-02T08:00:00.000Z',
      }),
    ).toEqual({
      vehicleId: 'v',
      input: { kind: 'dtcs', mode: 'cleared', codes: ['P0301'], at: at(0) },
    });
  });

  it("refuses payloads that break telemetry's contract (the bus dead-letters them; no handler sees them)", () => {
    const time = '2025-06-02T08:00:00.000Z';
    for (const bad of [
      null,
      'text',
      { vehicleId: '', recordedAt: time, readings: [] },
      { vehicleId: 'v', recordedAt: 'yesterday', readings: [] },
      {
        vehicleId: 'v',
        recordedAt: time,
        readings: [{ pid: '0C', name: 'x', value: '900', unit: 'rpm', recordedAt: time }],
      },
    ]) {
      expect(parseTelemetryEvent(TELEMETRY_READINGS, bad)).toBeNull();
    }
    expect(
      parseTelemetryEvent(TELEMETRY_DTCS, { vehicleId: 'v', codes: ['X9999'], mode: 'confirmed', recordedAt: time }),
    ).toBeNull();
    expect(
      parseTelemetryEvent(TELEMETRY_DTCS, { vehicleId: 'v', codes: [], mode: 'sideways', recordedAt: time }),
    ).toBeNull();
  });
});

describe('TelemetryConsumer', () => {
  it("consumes each stream with its producer's contract, so the bus dead-letters what breaks it", async () => {
    const seen = new Map<string, ConsumeOptions<unknown>>();
    const bus = {
      consume: (stream: string, _g: string, _c: string, _h: unknown, options: ConsumeOptions<unknown>) => {
        seen.set(stream, options);
        return { ready: Promise.resolve(), stop: async () => undefined };
      },
    } as unknown as EventBus;
    const consumer = new TelemetryConsumer(bus, {} as HealthProcessor, silentLogger, {
      batchSize: 8,
      claimIdleMs: 1000,
      concurrency: 2,
    });
    await consumer.start();
    expect(seen.get(TELEMETRY_READINGS)?.schema).toBe(telemetryReadingsEventSchema);
    expect(seen.get(TELEMETRY_DTCS)?.schema).toBe(telemetryDtcsEventSchema);
    expect(seen.get(HEALTH_COMMANDS)?.schema).toBe(healthCommandSchema);
  });

  it("hands a vehicle's backlog to the processor as one batch, in stream order, and each vehicle's apart", async () => {
    const bus = new InProcessEventBus();
    const recordedAt = '2025-06-02T08:00:00.000Z';
    const ids: Record<string, string[]> = { v1: [], v2: [] };
    for (let i = 0; i < 6; i++) {
      const vehicleId = i % 3 === 2 ? 'v2' : 'v1';
      const readings = round(at(i * 60), { rpm: 900 + i });
      ids[vehicleId].push(await bus.append(TELEMETRY_READINGS, { vehicleId, recordedAt, readings }));
    }
    const calls: { vehicleId: string; keys: string[] }[] = [];
    const processor = {
      applyMany: async (vehicleId: string, inputs: { eventKey: string }[]) => {
        calls.push({ vehicleId, keys: inputs.map((i) => i.eventKey) });
        return inputs.map(() => 'applied');
      },
    } as unknown as HealthProcessor;
    const consumer = new TelemetryConsumer(bus, processor, silentLogger, {
      batchSize: 64,
      claimIdleMs: 30_000,
      concurrency: 4,
      blockMs: 20,
    });
    await consumer.start();
    await waitFor(() => calls.length === 2, 'one call per vehicle');
    await consumer.stop();
    await bus.close();
    const keys = (v: string) => ids[v].map((id) => `${TELEMETRY_READINGS}:${id}`);
    expect(calls).toEqual(
      expect.arrayContaining([
        { vehicleId: 'v1', keys: keys('v1') },
        { vehicleId: 'v2', keys: keys('v2') },
      ]),
    );
  });
});
