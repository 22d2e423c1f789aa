import { decodeFrame, MAX_FRAME_CHARS } from './decode-frame.js';

const VIN_FRAMES = ['014', '0: 49 02 01 31 44 34', '1: 47 50 30 30 52 35 35', '2: 42 31 32 33 34 35 36'];

describe('decodeFrame: data', () => {
  it.each([
    ['41 0C 1A F8', 1726],
    ['41 0C 00 00', 0],
    ['41 0C FF FF', 16383.75],
    ['SEARCHING...\r410C1AF8\r\r>', 1726],
  ])('%j -> %d rpm', (raw, rpm) => {
    expect(decodeFrame(raw)).toEqual({
      ok: true,
      kind: 'readings',
      readings: [{ pid: '0C', name: 'Engine speed', value: rpm, unit: 'rpm' }],
    });
  });

  it('decodes several PIDs in one response', () => {
    const result = decodeFrame('41 0C 1A F8 0D 32');
    expect(result).toMatchObject({ ok: true, kind: 'readings', readings: [{ pid: '0C' }, { pid: '0D', value: 50 }] });
  });

  it('decodes DTC responses per mode', () => {
    expect(decodeFrame('43 02 01 33 03 01')).toEqual({
      ok: true,
      kind: 'dtcs',
      mode: 'confirmed',
      codes: ['P0133', 'P0301'],
    });
    expect(decodeFrame('47 01 04 20')).toEqual({ ok: true, kind: 'dtcs', mode: 'pending', codes: ['P0420'] });
    expect(decodeFrame('4A 00')).toEqual({ ok: true, kind: 'dtcs', mode: 'permanent', codes: [] });
  });

  it('merges DTCs from several ECUs without duplicates', () => {
    expect(decodeFrame('43 01 01 33\r43 02 01 33 C1 00\r43 00')).toEqual({
      ok: true,
      kind: 'dtcs',
      mode: 'confirmed',
      codes: ['P0133', 'U0100'],
    });
  });

  it('decodes a multi-frame VIN, as one string or as lines', () => {
    const expected = { ok: true, kind: 'vin', vin: '1D4GP00R55B123456' };
    expect(decodeFrame(VIN_FRAMES.join('\r'))).toEqual(expected);
    expect(decodeFrame(VIN_FRAMES)).toEqual(expected);
  });

  it('decodes a VIN padded with leading 00 bytes', () => {
    const frames = ['017', '0: 49 02 01 00 00 00', '1: 31 44 34 47 50 30 30', '2: 52 35 35 42 31 32 33', '3: 34 35 36'];
    expect(decodeFrame(frames.join('\n'))).toEqual({ ok: true, kind: 'vin', vin: '1D4GP00R55B123456' });
  });

  it('reports adapter status lines', () => {
    expect(decodeFrame('NO DATA\r\r>')).toEqual({ ok: true, kind: 'status', status: 'NO_DATA' });
    expect(decodeFrame('SEARCHING...\rUNABLE TO CONNECT')).toEqual({
      ok: true,
      kind: 'status',
      status: 'UNABLE_TO_CONNECT',
    });
  });

  it('skips a "response pending" negative response before the answer', () => {
    expect(decodeFrame('7F 01 78\r41 0D 32')).toMatchObject({ ok: true, readings: [{ pid: '0D', value: 50 }] });
  });
});

describe('decodeFrame: rejects bad frames with a reason code', () => {
  it.each([
    ['41 0C', 'TRUNCATED', /PID 0C needs 2 data byte\(s\), got 0/],
    ['41', 'TRUNCATED', /without a PID/],
    ['43 02 01 33', 'TRUNCATED', /count is 2/],
    ['ZZ', 'MALFORMED', /not hexadecimal/],
    ['41 0C 1A F', 'MALFORMED', /odd number of hex digits/],
    ['41 0C 1AF', 'MALFORMED', /odd number of hex digits/],
    ['', 'MALFORMED', /empty/],
    ['43 01 01 33 03 01', 'MALFORMED', /count is 1 but more codes follow/],
    ['41 A6 00 00 00 00', 'UNSUPPORTED', /PID A6 is not supported/],
    ['41 00 BE 3F A8 13', 'UNSUPPORTED', /PID 00 is not supported/],
    ['49 04 01 41 42 43', 'UNSUPPORTED', /info type 04/],
    // mode mismatches: a request byte, a mode we do not decode, an ECU's refusal
    ['01 0C', 'MALFORMED', /service byte 01 is a request, not a response/],
    ['42 0C 00 1A F8', 'UNSUPPORTED', /responses to mode 02 are not supported/],
    ['7F 01 12', 'UNSUPPORTED', /ECU rejected the mode 01 request: sub-function not supported/],
    ['7F 01', 'TRUNCATED', /negative response/],
    ['41 0C 1A F8\r43 00', 'MALFORMED', /different kinds/],
    ['43 01 01 33\r47 01 01 33', 'MALFORMED', /different DTC modes/],
  ])('%j -> %s', (raw, code, reason) => {
    const result = decodeFrame(raw);
    expect(result).toMatchObject({ ok: false, code });
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('rejects a 10 KB frame as TOO_LONG', () => {
    const huge = '41 0C 1A F8\r'.repeat(1000);
    expect(huge.length).toBeGreaterThan(10_000);
    expect(decodeFrame(huge)).toMatchObject({ ok: false, code: 'TOO_LONG' });
  });

  it('accepts exactly MAX_FRAME_CHARS and rejects one more', () => {
    const frame = '41 0D 32\r';
    expect(decodeFrame(frame.padEnd(MAX_FRAME_CHARS, ' '))).toMatchObject({ ok: true, kind: 'readings' });
    expect(decodeFrame(frame.padEnd(MAX_FRAME_CHARS + 1, ' '))).toMatchObject({ ok: false, code: 'TOO_LONG' });
  });

  it('counts the lines of an array towards the limit and stops at the limit', () => {
    const lines = new Array<string>(1_000_000).fill('41 0D 32');
    expect(decodeFrame(lines)).toMatchObject({ ok: false, code: 'TOO_LONG' });
  });

  it('rejects non-string input from untyped callers', () => {
    expect(decodeFrame(42 as unknown as string)).toMatchObject({ ok: false, code: 'MALFORMED' });
    expect(decodeFrame([1] as unknown as string[])).toMatchObject({ ok: false, code: 'MALFORMED' });
  });
});
