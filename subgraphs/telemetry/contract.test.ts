import { pino } from 'pino';
import { InProcessEventBus } from '../../platform/events/in-process.js';
import type { StreamOutbox } from '../../platform/events/stream-outbox.js';
import type { ClutchError } from '../../platform/errors.js';
import { manufacturerCodes, storedCodeFrames } from '../../test/obd-frames.js';
import {
  DTC_CODE_SPACE,
  MAX_DTC_CODES_PER_REPORT,
  MAX_DTCS_PER_ECU_REPLY,
  MAX_OBD_ECUS,
  MAX_READINGS_PER_EVENT,
  TELEMETRY_DTCS,
  TELEMETRY_READINGS,
  telemetryDtcsEventSchema,
  telemetryReadingsEventSchema,
} from './contract.js';
import { checkEventLimits, decodeFrames, validateReadings } from './ingest/batch.js';
import { ContractViolation, TelemetryEvents } from './live/telemetry-events.js';

const time = '2025-06-02T08:00:00.000Z';
const reading = { pid: '0C', name: 'Engine RPM', value: 900, unit: 'rpm', recordedAt: time };
const readingsEvent = (n: number) => ({ vehicleId: 'veh1', recordedAt: time, readings: Array(n).fill(reading) });
const dtcsEvent = (mode: string, codes: string[]) => ({ vehicleId: 'veh1', mode, codes, recordedAt: time });
const ok = (schema: { safeParse(v: unknown): { success: boolean } }, value: unknown) => schema.safeParse(value).success;

describe('the telemetry stream contract', () => {
  it('pins its limits: one scan of 8 ECUs of 255 codes per DTC report, the whole code space per clear, 10,000 readings', () => {
    expect(MAX_OBD_ECUS).toBe(8);
    expect(MAX_DTCS_PER_ECU_REPLY).toBe(255);
    expect(MAX_DTC_CODES_PER_REPORT).toBe(2040);
    expect(DTC_CODE_SPACE).toBe(65_536);
    expect(MAX_READINGS_PER_EVENT).toBe(10_000);
    expect([TELEMETRY_READINGS, TELEMETRY_DTCS]).toEqual(['telemetry.readings', 'telemetry.dtcs']);
  });

  it(`takes a DTC report of up to MAX_DTC_CODES_PER_REPORT codes, in any mode, and refuses one more`, () => {
    for (const mode of ['confirmed', 'pending', 'permanent']) {
      expect(ok(telemetryDtcsEventSchema, dtcsEvent(mode, manufacturerCodes(MAX_DTC_CODES_PER_REPORT)))).toBe(true);
      expect(ok(telemetryDtcsEventSchema, dtcsEvent(mode, manufacturerCodes(MAX_DTC_CODES_PER_REPORT + 1)))).toBe(
        false,
      );
    }
    // The batch of the original defect: 501 codes are a valid report, not something to drop.
    expect(ok(telemetryDtcsEventSchema, dtcsEvent('confirmed', manufacturerCodes(501)))).toBe(true);
  });

  it('takes a clear listing more codes than one report, up to every code there is', () => {
    const everyCode = [...'PCBU'].flatMap((system) =>
      Array.from({ length: 4 * 16 ** 3 }, (_, i) => `${system}${i.toString(16).toUpperCase().padStart(4, '0')}`),
    );
    expect(everyCode).toHaveLength(DTC_CODE_SPACE);
    expect(ok(telemetryDtcsEventSchema, dtcsEvent('cleared', everyCode))).toBe(true);
    expect(ok(telemetryDtcsEventSchema, dtcsEvent('cleared', [...everyCode, 'P0301']))).toBe(false);
  });

  it('refuses DTC events with a bad code, mode, vehicle id or time', () => {
    expect(ok(telemetryDtcsEventSchema, dtcsEvent('confirmed', ['P0301']))).toBe(true);
    expect(ok(telemetryDtcsEventSchema, dtcsEvent('confirmed', ['X9999']))).toBe(false);
    expect(ok(telemetryDtcsEventSchema, dtcsEvent('sideways', []))).toBe(false);
    expect(ok(telemetryDtcsEventSchema, { ...dtcsEvent('confirmed', []), vehicleId: 'a:b' })).toBe(false);
    expect(ok(telemetryDtcsEventSchema, { ...dtcsEvent('confirmed', []), recordedAt: 'yesterday' })).toBe(false);
  });

  it('takes 1 to MAX_READINGS_PER_EVENT readings, each a two-digit PID with a finite value', () => {
    expect(ok(telemetryReadingsEventSchema, readingsEvent(MAX_READINGS_PER_EVENT))).toBe(true);
    expect(ok(telemetryReadingsEventSchema, readingsEvent(MAX_READINGS_PER_EVENT + 1))).toBe(false);
    expect(ok(telemetryReadingsEventSchema, readingsEvent(0))).toBe(false);
    for (const bad of [{ pid: '0c' }, { pid: 'ZZ' }, { value: '900' }, { value: Infinity }, { name: '' }]) {
      expect(ok(telemetryReadingsEventSchema, { ...readingsEvent(0), readings: [{ ...reading, ...bad }] })).toBe(false);
    }
  });
});

describe('the producer keeps the contract', () => {
  const codeOf = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      return (error as ClutchError).code;
    }
    return null;
  };
  const at = new Date(time);

  it('refuses an upload whose codes of one mode exceed one report, with BAD_USER_INPUT', () => {
    const full = decodeFrames(storedCodeFrames(manufacturerCodes(MAX_DTC_CODES_PER_REPORT)), at);
    expect(full.dtcs[0].codes).toHaveLength(MAX_DTC_CODES_PER_REPORT);
    expect(codeOf(() => checkEventLimits(full, 'frames'))).toBeNull();
    const over = decodeFrames(storedCodeFrames(manufacturerCodes(MAX_DTC_CODES_PER_REPORT + 1)), at);
    expect(codeOf(() => checkEventLimits(over, 'frames'))).toBe('BAD_USER_INPUT');
    // The same code reported by several ECUs counts once.
    const repeated = decodeFrames(storedCodeFrames([...Array(MAX_DTC_CODES_PER_REPORT + 1)].map(() => 'P0301')), at);
    expect(codeOf(() => checkEventLimits(repeated, 'frames'))).toBeNull();
  });

  it('refuses an upload that decodes to more readings than one event carries, with BAD_USER_INPUT', () => {
    // PID 01 (monitor status) decodes into a dozen readings from 4 bytes: 20 of them per frame.
    const dense = `41${' 01 00 07 65 00'.repeat(20)}`;
    const frames = Array(50).fill(dense);
    const batch = decodeFrames(frames, at);
    expect(batch.readings.length).toBeGreaterThan(MAX_READINGS_PER_EVENT);
    expect(codeOf(() => checkEventLimits(batch, 'frames'))).toBe('BAD_USER_INPUT');
    const fine = validateReadings([{ pid: '0C', value: 900, recordedAt: at }]);
    expect(codeOf(() => checkEventLimits(fine, 'readings'))).toBeNull();
  });

  it('checks every event before it is appended, and sends none that breaks the contract', async () => {
    const bus = new InProcessEventBus();
    const appended: unknown[] = [];
    const outbox = { append: async (_s: string, e: unknown) => void appended.push(e) } as unknown as StreamOutbox;
    const events = new TelemetryEvents(bus, outbox, pino({ level: 'silent' }));

    await expect(
      events.dtcsReported('veh1', 'confirmed', manufacturerCodes(MAX_DTC_CODES_PER_REPORT + 1), at),
    ).rejects.toBeInstanceOf(ContractViolation);
    await expect(events.dtcsReported('veh1', 'confirmed', ['P0301', 'bogus'], at)).rejects.toBeInstanceOf(
      ContractViolation,
    );
    expect(appended).toEqual([]);

    await events.dtcsReported('veh1', 'confirmed', manufacturerCodes(600), at);
    expect(appended).toEqual([
      { vehicleId: 'veh1', mode: 'confirmed', codes: manufacturerCodes(600), recordedAt: time },
    ]);
    await bus.close();
  });
});
