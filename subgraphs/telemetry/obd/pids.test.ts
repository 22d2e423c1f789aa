import { decodeMode01, MODE01_PIDS, MONITOR_STATUS, type Reading } from './pids.js';

function bytes(hex: string): number[] {
  return hex
    .trim()
    .split(/\s+/)
    .map((b) => parseInt(b, 16));
}

function decodeOne(hex: string): Reading {
  const result = decodeMode01(bytes(hex));
  if (!result.ok) throw new Error(`${hex}: ${result.code} ${result.reason}`);
  expect(result.readings).toHaveLength(1);
  return result.readings[0];
}

/** [pid, unit, { data bytes: expected value }]; expectations are worked out by hand from J1979. */
const CASES: Array<[string, string, Record<string, number>]> = [
  ['04', '%', { '00': 0, FF: 100, '80': 50.196 }],
  ['05', '°C', { '00': -40, FF: 215, '7B': 83 }],
  ['06', '%', { '00': -100, FF: 99.219, '80': 0, '8A': 7.813 }],
  ['07', '%', { '00': -100, FF: 99.219, '80': 0, '70': -12.5 }],
  ['08', '%', { '00': -100, FF: 99.219, '80': 0 }],
  ['09', '%', { '00': -100, FF: 99.219, '80': 0 }],
  ['0A', 'kPa', { '00': 0, FF: 765, '64': 300 }],
  ['0B', 'kPa', { '00': 0, FF: 255, '21': 33 }],
  ['0C', 'rpm', { '00 00': 0, 'FF FF': 16383.75, '1A F8': 1726, '0B B8': 750 }],
  ['0D', 'km/h', { '00': 0, FF: 255, '32': 50 }],
  ['0E', '° before TDC', { '00': -64, FF: 63.5, '8C': 6 }],
  ['0F', '°C', { '00': -40, FF: 215, '41': 25 }],
  ['10', 'g/s', { '00 00': 0, 'FF FF': 655.35, '01 F4': 5 }],
  ['11', '%', { '00': 0, FF: 100, '33': 20 }],
  ['1F', 's', { '00 00': 0, 'FF FF': 65535, '01 2C': 300 }],
  ['21', 'km', { '00 00': 0, 'FF FF': 65535, '00 0F': 15 }],
  ['2F', '%', { '00': 0, FF: 100, '80': 50.196 }],
  ['31', 'km', { '00 00': 0, 'FF FF': 65535, '04 D2': 1234 }],
  ['33', 'kPa', { '00': 0, FF: 255, '65': 101 }],
  ['42', 'V', { '00 00': 0, 'FF FF': 65.535, '3A 98': 15, '36 B0': 14 }],
  ['46', '°C', { '00': -40, FF: 215, '28': 0 }],
  ['5C', '°C', { '00': -40, FF: 215, '82': 90 }],
  ['5E', 'L/h', { '00 00': 0, 'FF FF': 3276.75, '00 64': 5 }],
];

describe('Mode 01 scalar PIDs', () => {
  for (const [pid, unit, samples] of CASES) {
    for (const [data, expected] of Object.entries(samples)) {
      it(`41 ${pid} ${data} -> ${expected} ${unit}`, () => {
        const reading = decodeOne(`41 ${pid} ${data}`);
        expect(reading.pid).toBe(pid);
        expect(reading.unit).toBe(unit);
        expect(reading.name).toBe(MODE01_PIDS.get(parseInt(pid, 16))!.name);
        expect(reading.value).toBeCloseTo(expected, 3);
      });
    }
  }

  it('covers every PID the telemetry API promises', () => {
    const required = [0x01, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0f, 0x10, 0x11];
    required.push(0x1f, 0x21, 0x2f, 0x31, 0x42, 0x46, 0x5c, 0x5e);
    for (const pid of required) expect(MODE01_PIDS.has(pid)).toBe(true);
    const tested = new Set(CASES.map(([pid]) => parseInt(pid, 16)).concat(0x01));
    for (const pid of MODE01_PIDS.keys()) expect(tested.has(pid)).toBe(true);
  });
});

describe('Mode 01 PID 01 monitor status', () => {
  function decode(hex: string): Map<string, number> {
    const result = decodeMode01(bytes(hex));
    if (!result.ok) throw new Error(result.reason);
    for (const r of result.readings) expect(r.pid).toBe('01');
    return new Map(result.readings.map((r) => [r.name, r.value]));
  }

  it('all bits clear: MIL off, no DTCs, no monitors supported', () => {
    const values = decode('41 01 00 00 00 00');
    expect(values.get(MONITOR_STATUS.MIL)).toBe(0);
    expect(values.get(MONITOR_STATUS.DTC_COUNT)).toBe(0);
    expect(values.get(MONITOR_STATUS.COMPRESSION_IGNITION)).toBe(0);
    expect(values.get(MONITOR_STATUS.INCOMPLETE_MONITORS)).toBe(0);
    expect(values.size).toBe(4);
  });

  it('all bits set: MIL on, 127 DTCs, compression ignition, every monitor incomplete', () => {
    const values = decode('41 01 FF FF FF FF');
    expect(values.get(MONITOR_STATUS.MIL)).toBe(1);
    expect(values.get(MONITOR_STATUS.DTC_COUNT)).toBe(127);
    expect(values.get(MONITOR_STATUS.COMPRESSION_IGNITION)).toBe(1);
    // 3 common monitors + 6 defined compression-ignition monitors (bits 2 and 4 are reserved)
    expect(values.get(MONITOR_STATUS.INCOMPLETE_MONITORS)).toBe(9);
    expect(values.get('PM filter monitor complete')).toBe(0);
    expect(values.has('Catalyst monitor complete')).toBe(false);
  });

  it('spark ignition car with MIL on, 3 DTCs and the evaporative monitor not ready', () => {
    // A=83: MIL + 3; B=07: 3 common monitors supported and complete; C=65: catalyst, evap,
    // O2 sensor, O2 heater supported; D=04: evap incomplete
    const values = decode('41 01 83 07 65 04');
    expect(values.get(MONITOR_STATUS.MIL)).toBe(1);
    expect(values.get(MONITOR_STATUS.DTC_COUNT)).toBe(3);
    expect(values.get(MONITOR_STATUS.COMPRESSION_IGNITION)).toBe(0);
    expect(values.get('Misfire monitor complete')).toBe(1);
    expect(values.get('Fuel system monitor complete')).toBe(1);
    expect(values.get('Comprehensive components monitor complete')).toBe(1);
    expect(values.get('Catalyst monitor complete')).toBe(1);
    expect(values.get('Evaporative system monitor complete')).toBe(0);
    expect(values.get('Oxygen sensor monitor complete')).toBe(1);
    expect(values.get('Oxygen sensor heater monitor complete')).toBe(1);
    expect(values.has('EGR/VVT system monitor complete')).toBe(false);
    expect(values.get(MONITOR_STATUS.INCOMPLETE_MONITORS)).toBe(1);
  });

  it('a misfire monitor flagged incomplete in B bit 4', () => {
    const values = decode('41 01 00 11 00 00');
    expect(values.get('Misfire monitor complete')).toBe(0);
    expect(values.get(MONITOR_STATUS.INCOMPLETE_MONITORS)).toBe(1);
  });
});

describe('decodeMode01 with several PIDs and bad input', () => {
  it('reads several PIDs from one CAN response', () => {
    const result = decodeMode01(bytes('41 0C 1A F8 0D 32 05 7B'));
    expect(result).toEqual({
      ok: true,
      readings: [
        { pid: '0C', name: 'Engine speed', value: 1726, unit: 'rpm' },
        { pid: '0D', name: 'Vehicle speed', value: 50, unit: 'km/h' },
        { pid: '05', name: 'Engine coolant temperature', value: 83, unit: '°C' },
      ],
    });
  });

  it.each([
    ['41 0C', 'TRUNCATED', /needs 2 data byte\(s\), got 0/],
    ['41 0C 1A', 'TRUNCATED', /got 1/],
    ['41 01 00 00 00', 'TRUNCATED', /PID 01 needs 4/],
    ['41 0C 1A F8 0D', 'TRUNCATED', /PID 0D/],
    ['41', 'TRUNCATED', /without a PID/],
    ['41 00 BE 3F A8 13', 'UNSUPPORTED', /PID 00 is not supported/],
    ['41 0C 1A F8 A6 00 00 00 00', 'UNSUPPORTED', /PID A6/],
    ['43 02 01 33 03 01', 'MALFORMED', /expected a Mode 01 response \(41\), got service byte 43/],
  ])('%s -> %s', (hex, code, reason) => {
    const result = decodeMode01(bytes(hex));
    expect(result).toMatchObject({ ok: false, code });
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('rejects an empty byte array as TRUNCATED', () => {
    expect(decodeMode01([])).toMatchObject({ ok: false, code: 'TRUNCATED' });
  });
});
