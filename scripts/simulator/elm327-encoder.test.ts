import { decodeFrame } from '../../subgraphs/telemetry/obd/decode-frame.js';
import {
  dtcBytes,
  encodePid,
  formatBytes,
  mode01Reply,
  mode03Reply,
  monitorStatusPid,
  noDataReply,
  PID_ENCODINGS,
  type PidName,
} from './elm327-encoder.js';

const SPACED = { spaces: true, lowercase: false };

/** The reading the server decodes from the frame the simulator prints. */
function decodeOne(name: PidName, value: number) {
  const decoded = decodeFrame(formatBytes(mode01Reply([encodePid(name, value)]), SPACED));
  if (!decoded.ok || decoded.kind !== 'readings') throw new Error(`did not decode: ${JSON.stringify(decoded)}`);
  return decoded.readings[0];
}

/** A value inside each PID's range, and the largest rounding error its resolution allows. */
const CASES: Record<PidName, { values: number[]; resolution: number }> = {
  engineLoad: { values: [0, 22.5, 47.1, 100], resolution: 100 / 255 },
  coolantTemp: { values: [-40, 16, 90, 120.4, 215], resolution: 1 },
  shortFuelTrim: { values: [-100, -3.2, 0, 9.1, 99.2], resolution: 100 / 128 },
  longFuelTrim: { values: [-2.5, 5], resolution: 100 / 128 },
  intakePressure: { values: [23, 100, 255], resolution: 1 },
  rpm: { values: [0, 750, 1726, 2444.44, 16383.75], resolution: 0.25 },
  speed: { values: [0, 37.6, 120, 255], resolution: 1 },
  timingAdvance: { values: [-64, 12.3, 30.5, 63.5], resolution: 0.5 },
  intakeTemp: { values: [-40, 25], resolution: 1 },
  maf: { values: [0, 2.8, 47.95, 655.35], resolution: 0.01 },
  throttle: { values: [14, 68.9, 100], resolution: 100 / 255 },
  runTime: { values: [0, 1234, 65535], resolution: 1 },
  distanceMilOn: { values: [0, 123.4], resolution: 1 },
  fuelLevel: { values: [0, 36.96, 100], resolution: 100 / 255 },
  distanceSinceClear: { values: [4866.3, 65535], resolution: 1 },
  barometricPressure: { values: [96.4, 101], resolution: 1 },
  controlModuleVoltage: { values: [8.7, 12.6, 14.2, 65.535], resolution: 0.001 },
  ambientTemp: { values: [-12, 31.7], resolution: 1 },
  oilTemp: { values: [16, 93.2], resolution: 1 },
  fuelRate: { values: [0, 0.92, 16.77, 3276.75], resolution: 0.05 },
};

describe('encodePid: the inverse of the J1979 formulas the server decodes with', () => {
  it.each(Object.keys(CASES) as PidName[])('%s round-trips within its resolution', (name) => {
    const { values, resolution } = CASES[name];
    for (const value of values) {
      const reading = decodeOne(name, value);
      expect(reading.pid).toBe(PID_ENCODINGS[name].pid.toString(16).toUpperCase().padStart(2, '0'));
      expect(Math.abs(reading.value - value)).toBeLessThanOrEqual(resolution / 2 + 1e-9);
    }
  });

  it.each(Object.keys(PID_ENCODINGS) as PidName[])(
    '%s turns the decoded values of bytes 00 and FF back into them',
    (name) => {
      const { pid, bytes } = PID_ENCODINGS[name];
      for (const byte of [0x00, 0xff]) {
        const data = Array(bytes).fill(byte);
        const decoded = decodeFrame(formatBytes([0x41, pid, ...data], SPACED));
        if (!decoded.ok || decoded.kind !== 'readings') throw new Error('did not decode');
        expect(encodePid(name, decoded.readings[0].value)).toEqual([pid, ...data]);
      }
    },
  );

  it('clamps what the bytes cannot carry, as an ECU does', () => {
    expect(encodePid('speed', 300)).toEqual([0x0d, 0xff]);
    expect(encodePid('coolantTemp', -60)).toEqual([0x05, 0x00]);
    expect(encodePid('rpm', -5)).toEqual([0x0c, 0x00, 0x00]);
  });

  it('prints the textbook frames', () => {
    expect(formatBytes(mode01Reply([encodePid('rpm', 1726)]), SPACED)).toBe('41 0C 1A F8');
    expect(formatBytes(mode01Reply([encodePid('speed', 50)]), SPACED)).toBe('41 0D 32');
    expect(formatBytes(mode01Reply([encodePid('coolantTemp', 83)]), SPACED)).toBe('41 05 7B');
    expect(formatBytes(mode01Reply([encodePid('controlModuleVoltage', 14.19)]), SPACED)).toBe('41 42 37 6E');
    expect(formatBytes(mode03Reply(['P0301']), SPACED)).toBe('43 01 03 01');
  });
});

describe('ELM327 formatting', () => {
  it('prints without spaces (ATS0) or in lower case, and the server reads them the same', () => {
    const bytes = mode01Reply([encodePid('rpm', 1726), encodePid('speed', 50)]);
    const compact = formatBytes(bytes, { spaces: false, lowercase: false });
    const lower = formatBytes(bytes, { spaces: true, lowercase: true });
    expect(compact).toBe('410C1AF80D32');
    expect(lower).toBe('41 0c 1a f8 0d 32');
    expect(decodeFrame(compact)).toEqual(decodeFrame(formatBytes(bytes, SPACED)));
    expect(decodeFrame(lower)).toEqual(decodeFrame(formatBytes(bytes, SPACED)));
  });

  it('prints NO DATA, without its space under ATS0, and the server takes both as a status', () => {
    expect(decodeFrame(noDataReply(SPACED))).toEqual({ ok: true, kind: 'status', status: 'NO_DATA' });
    expect(decodeFrame(noDataReply({ spaces: false, lowercase: false }))).toEqual({
      ok: true,
      kind: 'status',
      status: 'NO_DATA',
    });
  });
});

describe('trouble codes and monitor status', () => {
  it.each(['P0301', 'P0133', 'C0035', 'B1234', 'U0100', 'P3FFF'])('%s survives Mode 03 encoding', (code) => {
    expect(decodeFrame(formatBytes(mode03Reply([code]), SPACED))).toEqual({
      ok: true,
      kind: 'dtcs',
      mode: 'confirmed',
      codes: [code],
    });
  });

  it('reports no codes as "43 00"', () => {
    expect(formatBytes(mode03Reply([]), SPACED)).toBe('43 00');
    expect(decodeFrame('43 00')).toEqual({ ok: true, kind: 'dtcs', mode: 'confirmed', codes: [] });
  });

  it('refuses something that is not a trouble code', () => {
    expect(() => dtcBytes('X0301')).toThrow(RangeError);
    expect(() => dtcBytes('P4301')).toThrow(RangeError);
  });

  it('encodes the MIL and the code count into PID 01, with every supported monitor complete', () => {
    const decoded = decodeFrame(formatBytes(mode01Reply([monitorStatusPid({ mil: true, dtcCount: 1 })]), SPACED));
    if (!decoded.ok || decoded.kind !== 'readings') throw new Error('did not decode');
    const byName = Object.fromEntries(decoded.readings.map((r) => [r.name, r.value]));
    expect(byName['Malfunction indicator lamp']).toBe(1);
    expect(byName['Emission-related DTC count']).toBe(1);
    expect(byName['Compression ignition']).toBe(0);
    expect(byName['Incomplete readiness monitors']).toBe(0);
    expect(byName['Misfire monitor complete']).toBe(1);
  });
});
