import { computeCheckDigit, decodeVin, isValidVin, regionOf, WMI_MANUFACTURERS, type VinResult } from './vin.js';

const NOW = new Date('2026-11-25T00:00:00Z');

function decoded(input: string, now = NOW) {
  const result = decodeVin(input, { now });
  if (!result.ok) throw new Error(`${input}: ${result.code} ${result.reason}`);
  return result.vin;
}

function rejection(input: string): Extract<VinResult, { ok: false }> {
  const result = decodeVin(input, { now: NOW });
  if (result.ok) throw new Error(`${input} was accepted`);
  return result;
}

describe('check digit', () => {
  it.each([
    ['1HGCM82633A004352', '3'],
    ['11111111111111111', '1'],
    ['1M8GDM9AXKP042788', 'X'],
    ['5YJ3E1EA2KF317000', '2'],
  ])('%s has check digit %s', (vin, digit) => {
    expect(computeCheckDigit(vin)).toBe(digit);
    expect(decoded(vin).checkDigit).toEqual({ actual: digit, expected: digit, valid: true, enforced: true });
  });

  it.each([
    ['1HGCM82643A004352', /is 4, expected 3/],
    ['11111111211111111', /is 2, expected 1/],
    ['1M8GDM9A0KP042788', /is 0, expected X/],
    ['5YJ3E1EAZKF317000', /is Z, expected 2/],
  ])('North American %s with a wrong check digit is CHECK_DIGIT', (vin, reason) => {
    const result = rejection(vin);
    expect(result.code).toBe('CHECK_DIGIT');
    expect(result.reason).toMatch(reason);
  });

  it('accepts any position 9 outside North America and says it was not enforced', () => {
    const vin = decoded('WVWZZZ1JZXW000001');
    expect(vin.checkDigit).toEqual({ actual: 'Z', expected: '0', valid: false, enforced: false });
    expect(decoded('JHMCM56557C404453').checkDigit).toMatchObject({ valid: true, enforced: false });
    expect(isValidVin('VF1AAAAAAAA000001')).toBe(true);
  });

  it('refuses to compute a check digit for a string that is not a VIN', () => {
    expect(() => computeCheckDigit('1HGCM82633A00435')).toThrow(RangeError);
    expect(() => computeCheckDigit('1HGCM82633A00435O')).toThrow(RangeError);
  });
});

describe('validation errors', () => {
  it.each([
    ['', 'LENGTH'],
    ['1HGCM82633A00435', 'LENGTH'],
    ['1HGCM82633A0043521', 'LENGTH'],
    ['1'.repeat(10_000), 'LENGTH'],
    ['1HGCM82633A00435I', 'CHARSET'],
    ['1HGCM82633A00435O', 'CHARSET'],
    ['1HGCM82633A00435Q', 'CHARSET'],
    ['WVWZZZ1JZXW00000o', 'CHARSET'],
    ['1HGCM82633A00435-', 'CHARSET'],
    ['1HGCM826 3A004352', 'CHARSET'],
    ['1HGCM82633A00435É', 'CHARSET'],
  ])('%j -> %s', (input, code) => {
    expect(rejection(input).code).toBe(code);
  });

  it('names I, O and Q in the reason', () => {
    expect(rejection('WVWZZZ1JZXW00000Q').reason).toMatch(/I, O or Q/);
  });

  it('normalises case and surrounding whitespace', () => {
    expect(decoded('  1hgcm82633a004352\n').vin).toBe('1HGCM82633A004352');
  });
});

describe('decoding', () => {
  it('splits a VIN into its sections', () => {
    expect(decoded('1HGCM82633A004352')).toEqual({
      vin: '1HGCM82633A004352',
      wmi: '1HG',
      vds: 'CM8263',
      vis: '3A004352',
      region: 'NORTH_AMERICA',
      manufacturer: 'Honda',
      modelYear: 2003,
      checkDigit: { actual: '3', expected: '3', valid: true, enforced: true },
    });
  });

  it.each([
    ['1FTFW1E51NFA00001', 'Ford'],
    ['5YJ3E1EA2KF317000', 'Tesla'],
    ['2T1BURHEXJC000001', 'Toyota'],
    ['JTDKB20U093000001', 'Toyota'],
    ['WBA3A5C50CF000001', 'BMW'],
    ['WDD2050041F000001', 'Mercedes-Benz'],
    ['VF1RFA00067000001', 'Renault'],
    ['ZFA31200000000001', 'Fiat'],
    ['SAJAA01T3AL000001', 'Jaguar'],
    ['KMHCN46C18U000001', 'Hyundai'],
    ['1M8GDM9AXKP042788', null],
  ])('%s is made by %s', (vin, manufacturer) => {
    expect(decoded(vin).manufacturer).toBe(manufacturer);
  });

  it('knows at least 40 manufacturer identifiers', () => {
    expect(Object.keys(WMI_MANUFACTURERS).length).toBeGreaterThanOrEqual(40);
    for (const wmi of Object.keys(WMI_MANUFACTURERS)) expect(wmi).toMatch(/^[A-HJ-NPR-Z0-9]{2,3}$/);
  });

  it.each([
    ['A', 'AFRICA'],
    ['H', 'AFRICA'],
    ['J', 'ASIA'],
    ['R', 'ASIA'],
    ['S', 'EUROPE'],
    ['Z', 'EUROPE'],
    ['1', 'NORTH_AMERICA'],
    ['5', 'NORTH_AMERICA'],
    ['6', 'OCEANIA'],
    ['7', 'OCEANIA'],
    ['8', 'SOUTH_AMERICA'],
    ['9', 'SOUTH_AMERICA'],
    ['0', null],
  ])('first character %s is %s', (first, region) => {
    expect(regionOf(first)).toBe(region);
  });
});

describe('model year', () => {
  it.each([
    // North America: position 7 digit -> 1980-2009, letter -> 2010-2039
    ['1HGCM82633A004352', 2003],
    ['1M8GDM9AXKP042788', 1989],
    ['3VWFE21C04M000001', 2004],
    ['11111111111111111', 2001],
    ['5YJ3E1EA2KF317000', 2019],
    ['1FTFW1E51NFA00001', 2022],
    ['2T1BURHEXJC000001', 2018],
    ['1G1JC5SH1E4100001', 2014],
  ])('North American %s is model year %d', (vin, year) => {
    expect(decoded(vin).modelYear).toBe(year);
  });

  it('elsewhere picks the latest year not beyond next year', () => {
    expect(decoded('WVWZZZ1JZXW000001').modelYear).toBe(1999); // X: 1999 or 2029
    expect(decoded('JHMCM56557C404453').modelYear).toBe(2007); // 7: 2007 or 2037
    expect(decoded('WVWZZZ1JZAW000001').modelYear).toBe(2010); // A: 1980 or 2010
    expect(decoded('WVWZZZ1JZVW000001').modelYear).toBe(2027); // V: 1997 or 2027, next year's models
    expect(decoded('WVWZZZ1JZVW000001', new Date('2025-06-01T00:00:00Z')).modelYear).toBe(1997);
  });

  it('is null when position 10 is not a year code', () => {
    expect(decoded('WVWZZZ1JZ0W000001').modelYear).toBeNull();
    expect(decoded('WVWZZZ1JZZW000001').modelYear).toBeNull();
    expect(decoded('WVWZZZ1JZUW000001').modelYear).toBeNull();
  });
});
