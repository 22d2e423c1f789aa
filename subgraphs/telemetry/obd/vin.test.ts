import { decodeVinResponse } from './vin.js';

const ASCII_VIN = '31 44 34 47 50 30 30 52 35 35 42 31 32 33 34 35 36'; // 1D4GP00R55B123456

function bytes(hex: string): number[] {
  return hex
    .trim()
    .split(/\s+/)
    .map((b) => parseInt(b, 16));
}

describe('decodeVinResponse', () => {
  it('decodes 49 02 01 and 17 ASCII characters', () => {
    expect(decodeVinResponse(bytes(`49 02 01 ${ASCII_VIN}`))).toEqual({ ok: true, vin: '1D4GP00R55B123456' });
  });

  it('tolerates 00 padding around the VIN', () => {
    expect(decodeVinResponse(bytes(`49 02 01 00 00 00 ${ASCII_VIN}`))).toEqual({ ok: true, vin: '1D4GP00R55B123456' });
    expect(decodeVinResponse(bytes(`49 02 01 ${ASCII_VIN} 00 00`))).toEqual({ ok: true, vin: '1D4GP00R55B123456' });
  });

  it.each([
    ['49 02 01 31 44 34', 'TRUNCATED', /3 of 17/],
    ['49 02', 'TRUNCATED', /data item count/],
    ['49', 'TRUNCATED', /info type/],
    [`49 02 01 ${ASCII_VIN} 37`, 'MALFORMED', /18 characters/],
    [`49 02 02 ${ASCII_VIN}`, 'MALFORMED', /1 data item/],
    [`49 02 01 ${ASCII_VIN.replace(/^31/, '61')}`, 'MALFORMED', /not A-Z or 0-9: 61/],
    [`49 04 01 ${ASCII_VIN}`, 'UNSUPPORTED', /info type 04/],
    [`41 02 01 ${ASCII_VIN}`, 'MALFORMED', /expected a Mode 09 response/],
  ])('%s -> %s', (hex, code, reason) => {
    const result = decodeVinResponse(bytes(hex));
    expect(result).toMatchObject({ ok: false, code });
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
});
