import { parseElmResponse, parseHexBytes } from './elm327.js';

const VIN_FRAMES = ['014', '0: 49 02 01 31 44 34', '1: 47 50 30 30 52 35 35', '2: 42 31 32 33 34 35 36'];
const VIN_BYTES = [0x49, 0x02, 0x01, ...Buffer.from('1D4GP00R55B123456', 'ascii')];

describe('parseElmResponse: single-frame data', () => {
  it.each([
    ['41 0C 1A F8'],
    ['410C1AF8'],
    ['41 0c 1a f8'],
    ['41 0C 1A F8 \r\r>'],
    ['>41 0C 1A F8'],
    ['  41 0C 1A F8\r\n'],
    ['41\t0C 1AF8'],
    ['41 0C 1A F8\0\r>'],
  ])('%j -> 41 0C 1A F8', (raw) => {
    expect(parseElmResponse(raw)).toEqual({ ok: true, kind: 'messages', messages: [[0x41, 0x0c, 0x1a, 0xf8]] });
  });

  it('drops SEARCHING... and BUS INIT progress lines before data', () => {
    expect(parseElmResponse('SEARCHING...\r41 0D 32\r\r>')).toEqual({
      ok: true,
      kind: 'messages',
      messages: [[0x41, 0x0d, 0x32]],
    });
    expect(parseElmResponse('BUS INIT: ...OK\r41 0D 32')).toMatchObject({ ok: true, messages: [[0x41, 0x0d, 0x32]] });
  });

  it('keeps one message per line when several ECUs answer', () => {
    expect(parseElmResponse('43 01 01 33\r43 00\r\r>')).toEqual({
      ok: true,
      kind: 'messages',
      messages: [
        [0x43, 0x01, 0x01, 0x33],
        [0x43, 0x00],
      ],
    });
  });
});

describe('parseElmResponse: status lines', () => {
  it.each([
    ['NO DATA', 'NO_DATA'],
    ['NODATA\r\r>', 'NO_DATA'],
    ['no data', 'NO_DATA'],
    ['SEARCHING...', 'SEARCHING'],
    ['SEARCHING...\rNO DATA\r\r>', 'NO_DATA'],
    ['?', 'UNKNOWN_COMMAND'],
    ['?\r\r>', 'UNKNOWN_COMMAND'],
    ['STOPPED', 'STOPPED'],
    ['41 0C 1A F8\rSTOPPED', 'STOPPED'],
    ['SEARCHING...\rUNABLE TO CONNECT\r\r>', 'UNABLE_TO_CONNECT'],
    ['UNABLETOCONNECT', 'UNABLE_TO_CONNECT'],
    ['CAN ERROR', 'CAN_ERROR'],
    ['BUS INIT: ...', 'BUS_INIT'],
    ['BUS INIT: ...ERROR', 'BUS_INIT_ERROR'],
    ['BUS BUSY', 'BUS_BUSY'],
    ['BUS ERROR', 'BUS_ERROR'],
    ['BUFFER FULL', 'BUFFER_FULL'],
    ['41 0C 1A F8 <DATA ERROR', 'DATA_ERROR'],
    ['41 0C 1A F8 <RX ERROR', 'RX_ERROR'],
    ['ERR94', 'ADAPTER_ERROR'],
  ])('%j -> %s', (raw, status) => {
    expect(parseElmResponse(raw)).toEqual({ ok: true, kind: 'status', status });
  });
});

describe('parseElmResponse: multi-frame replies', () => {
  const expected = { ok: true, kind: 'messages', messages: [VIN_BYTES] };

  it('reassembles a VIN from CR-separated frames', () => {
    expect(parseElmResponse(`${VIN_FRAMES.join('\r')}\r\r>`)).toEqual(expected);
  });

  it('accepts LF or CRLF separators, an array of lines, and no spaces', () => {
    expect(parseElmResponse(VIN_FRAMES.join('\n'))).toEqual(expected);
    expect(parseElmResponse(VIN_FRAMES.join('\r\n'))).toEqual(expected);
    expect(parseElmResponse(VIN_FRAMES)).toEqual(expected);
    expect(parseElmResponse(['SEARCHING...', ...VIN_FRAMES, '>'])).toEqual(expected);
    expect(parseElmResponse(VIN_FRAMES.map((l) => l.replace(/ /g, '')).join('\r'))).toEqual(expected);
  });

  it('cuts padding after the announced length', () => {
    const padded = ['013', '0: 49 02 01 31 44 34', '1: 47 50 30 30 52 35 35', '2: 42 31 32 33 34 35 AA'];
    const result = parseElmResponse(padded);
    expect(result).toMatchObject({ ok: true, messages: [VIN_BYTES.slice(0, 19)] });
  });

  it('follows the sequence number from F back to 0', () => {
    // 0x71 = 113 bytes: frame 0 has 6, frames 1-F have 7 each (111), the second "0:" the last 2
    const lines = ['071', '0: 41 00 00 00 00 00'];
    for (let seq = 1; seq <= 15; seq++) lines.push(`${seq.toString(16).toUpperCase()}: 00 00 00 00 00 00 00`);
    lines.push('0: 00 FF 00 00 00 00 00');
    const result = parseElmResponse(lines);
    if (!result.ok || result.kind !== 'messages') throw new Error('expected messages');
    expect(result.messages[0]).toHaveLength(113);
    expect(result.messages[0][112]).toBe(0xff);
  });

  it.each([
    [['014', '0: 49 02 01 31 44 34', '1: 47 50 30 30 52 35 35'], 'TRUNCATED', /13 of 20 bytes/],
    [['014', '0: 49 02 01 31 44 34', '43 00'], 'TRUNCATED', /6 of 20 bytes/],
    [['014', '0: 49 02 01 31 44 34', '2: 42 31 32 33 34 35 36'], 'MALFORMED', /sequence 2 where 1/],
    [['0: 49 02 01 31 44 34'], 'MALFORMED', /without a preceding length line/],
    [['000', '0: 49 02'], 'MALFORMED', /announces 0 bytes/],
    [['014', '0: 49 02 01 31 4G 34'], 'MALFORMED', /not hexadecimal/],
  ])('%j -> %s', (lines, code, reason) => {
    const result = parseElmResponse(lines);
    expect(result).toMatchObject({ ok: false, code });
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
});

describe('parseElmResponse: bad input', () => {
  it.each([
    ['ZZ', /not hexadecimal: "ZZ"/],
    ['41 0C 1A F', /odd number of hex digits in "F"/],
    ['410C1AF', /odd number of hex digits/],
    ['41 0C 1 AF8', /odd number of hex digits in "1"/],
    ['OK', /not hexadecimal/],
    ['', /empty response/],
    ['\r\r>', /empty response/],
  ])('%j -> MALFORMED', (raw, reason) => {
    const result = parseElmResponse(raw);
    expect(result).toMatchObject({ ok: false, code: 'MALFORMED' });
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('keeps quoted input short in reasons', () => {
    const result = parseElmResponse('X'.repeat(300));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason.length).toBeLessThan(60);
  });
});

describe('parseHexBytes', () => {
  it('parses spaced and unspaced hex', () => {
    expect(parseHexBytes('00 ff 7F')).toEqual([0x00, 0xff, 0x7f]);
    expect(parseHexBytes('00ff7F')).toEqual([0x00, 0xff, 0x7f]);
  });
});
