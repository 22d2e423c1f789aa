import { TELEMETRY_DTCS, TELEMETRY_READINGS } from '../../telemetry/live/telemetry-events.js';
import { round, at } from '../testing/readings.js';
import { parseTelemetryEvent } from './telemetry-consumer.js';

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

  it('refuses payloads it can never handle (they are skipped, not retried)', () => {
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
