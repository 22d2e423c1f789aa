import { decodeDtcBytes, decodeDtcResponse, describeDtc, DTC_CODE_PATTERN } from './dtc.js';
import { DTC_DESCRIPTIONS } from './dtc-descriptions.js';

function bytes(hex: string): number[] {
  return hex
    .trim()
    .split(/\s+/)
    .map((b) => parseInt(b, 16));
}

describe('decodeDtcBytes', () => {
  it.each([
    // A bits 7-6 select the system: 00 P, 01 C, 10 B, 11 U
    [0x01, 0x33, 'P0133'],
    [0x03, 0x01, 'P0301'],
    [0x40, 0x35, 'C0035'],
    [0x51, 0x23, 'C1123'],
    [0x80, 0x01, 'B0001'],
    [0x90, 0x00, 'B1000'],
    [0xc1, 0x00, 'U0100'],
    [0xc0, 0x73, 'U0073'],
    // bits 5-4 give the first digit, the low nibble and B are hex digits
    [0x21, 0x01, 'P2101'],
    [0x30, 0x00, 'P3000'],
    [0x0a, 0x80, 'P0A80'],
    [0x00, 0x00, 'P0000'],
    [0xff, 0xff, 'U3FFF'],
  ])('%i %i -> %s', (a, b, code) => {
    expect(decodeDtcBytes(a, b)).toBe(code);
  });
});

describe('decodeDtcResponse', () => {
  it('43 02 01 33 03 01 -> confirmed P0133, P0301', () => {
    expect(decodeDtcResponse(bytes('43 02 01 33 03 01'))).toEqual({
      ok: true,
      mode: 'confirmed',
      codes: ['P0133', 'P0301'],
    });
  });

  it('decodes one code of each system', () => {
    const result = decodeDtcResponse(bytes('43 04 03 00 40 35 80 01 C1 00'));
    expect(result).toEqual({ ok: true, mode: 'confirmed', codes: ['P0300', 'C0035', 'B0001', 'U0100'] });
  });

  it('mode 07 is pending and mode 0A permanent', () => {
    expect(decodeDtcResponse(bytes('47 01 04 20'))).toEqual({ ok: true, mode: 'pending', codes: ['P0420'] });
    expect(decodeDtcResponse(bytes('4A 01 01 71'))).toEqual({ ok: true, mode: 'permanent', codes: ['P0171'] });
  });

  it('count 0 means no codes, with or without padding', () => {
    expect(decodeDtcResponse(bytes('43 00'))).toEqual({ ok: true, mode: 'confirmed', codes: [] });
    expect(decodeDtcResponse(bytes('47 00 00 00 00 00'))).toEqual({ ok: true, mode: 'pending', codes: [] });
  });

  it('ignores 00 00 padding after the counted codes', () => {
    expect(decodeDtcResponse(bytes('43 01 01 33 00 00 00 00'))).toEqual({
      ok: true,
      mode: 'confirmed',
      codes: ['P0133'],
    });
  });

  it.each([
    ['43 02 01 33', 'TRUNCATED', /count is 2 but only 1/],
    ['43 02 01 33 03', 'TRUNCATED', /count is 2 but only 1/],
    ['43', 'TRUNCATED', /without a code count/],
    ['43 01 01 33 03 01', 'MALFORMED', /count is 1 but more codes follow/],
    ['43 02 01 33 00 00', 'MALFORMED', /code 2 is empty/],
    ['43 01 01 33 03', 'MALFORMED', /whole pairs/],
    ['41 02 01 33', 'MALFORMED', /expected a DTC response/],
  ])('%s -> %s', (hex, code, reason) => {
    const result = decodeDtcResponse(bytes(hex));
    expect(result).toMatchObject({ ok: false, code });
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
});

describe('describeDtc', () => {
  it('describes codes from the table with their severity', () => {
    expect(describeDtc('P0301')).toEqual({
      code: 'P0301',
      description: 'Cylinder 1 misfire detected',
      severity: 'HIGH',
      known: true,
    });
    expect(describeDtc('P0300')?.severity).toBe('HIGH');
    expect(describeDtc('P0217')?.severity).toBe('CRITICAL');
    expect(describeDtc('p0420 ')).toMatchObject({ code: 'P0420', severity: 'MEDIUM', known: true });
    expect(describeDtc('U0100')?.description).toMatch(/ECM/);
    expect(describeDtc('C0035')?.description).toMatch(/wheel speed/);
  });

  it('falls back to a description by category for unknown codes', () => {
    expect(describeDtc('P0A80')).toEqual({
      code: 'P0A80',
      description: 'Powertrain code (SAE generic): hybrid propulsion',
      severity: 'MEDIUM',
      known: false,
    });
    expect(describeDtc('P0399')?.description).toBe('Powertrain code (SAE generic): ignition system or misfire');
    expect(describeDtc('P1234')?.description).toBe(
      'Powertrain code (manufacturer-specific): fuel and air metering (injector circuit)',
    );
    expect(describeDtc('B1000')?.description).toBe('Body code (manufacturer-specific)');
    expect(describeDtc('C0999')?.description).toBe('Chassis code (SAE generic)');
    expect(describeDtc('U3FFF')?.description).toBe('Network code (reserved or manufacturer-specific)');
  });

  it('returns null for strings that are not DTCs', () => {
    for (const bad of ['', 'X0100', 'P4100', 'P010', 'P01000', 'P01G0']) expect(describeDtc(bad)).toBeNull();
  });
});

describe('DTC description table', () => {
  const entries = Object.entries(DTC_DESCRIPTIONS);

  it('holds well-formed codes with a description and a known severity', () => {
    expect(entries.length).toBeGreaterThanOrEqual(60);
    for (const [code, { description, severity }] of entries) {
      expect(code).toMatch(DTC_CODE_PATTERN);
      expect(description.length).toBeGreaterThan(5);
      expect(['INFO', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL']).toContain(severity);
    }
  });

  it('includes the common codes clients expect', () => {
    const expected = ['P0100', 'P0110', 'P0120', 'P0128', 'P0130', 'P0141', 'P0171', 'P0172', 'P0174', 'P0175'];
    expected.push('P0300', 'P0308', 'P0320', 'P0335', 'P0340', 'P0400', 'P0420', 'P0430', 'P0442', 'P0446');
    expected.push('P0500', 'P0505', 'P0562', 'P0563', 'P0700', 'U0100', 'C0035', 'B0001');
    for (const code of expected) expect(DTC_DESCRIPTIONS[code]).toBeDefined();
  });

  it('rates every misfire code HIGH', () => {
    for (let cylinder = 0; cylinder <= 8; cylinder++) {
      expect(DTC_DESCRIPTIONS[`P030${cylinder}`].severity).toBe('HIGH');
    }
  });
});
