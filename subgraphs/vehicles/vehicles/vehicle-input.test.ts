import { ClutchError } from '../../../platform/errors.js';
import { MIN_YEAR, parseNewVehicle, parseVehicleUpdate, parseVin, resolveYear } from './vehicle-input.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const HONDA_2003 = '1HGCM82633A004352';
const VW_EUROPE = 'WVWZZZ1JZXW000001';

/** The code and message of the error `fn` throws. */
function failure(fn: () => unknown): { code: unknown; message: string; field: unknown } {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof ClutchError)) throw error;
    return { code: error.extensions.code, message: error.message, field: error.extensions.field };
  }
  throw new Error('expected an error');
}

describe('parseVin', () => {
  it.each([
    ['1HGCM82633A00435', /17 characters, got 16/],
    ['1HGCM82633A00435O', /I, O or Q/],
    ['1HGCM82643A004352', /check digit \(position 9\) is 4, expected 3/],
    ['1HGCM-2633A004352', /only the letters/],
  ])('refuses %s as BAD_USER_INPUT with the reason', (vin, reason) => {
    const error = failure(() => parseVin(vin, NOW));
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'vin' });
    expect(error.message).toMatch(/^Invalid VIN: /);
    expect(error.message).toMatch(reason);
  });

  it('accepts any check digit outside North America', () => {
    expect(parseVin(VW_EUROPE, NOW)).toMatchObject({ region: 'EUROPE', manufacturer: 'Volkswagen' });
  });

  it('refuses a missing VIN', () => {
    expect(failure(() => parseVin(undefined, NOW)).code).toBe('BAD_USER_INPUT');
  });
});

describe('resolveYear', () => {
  const northAmerican = { region: 'NORTH_AMERICA' as const, manufacturer: 'Honda', modelYear: 2003 };
  const european = { region: 'EUROPE' as const, manufacturer: 'Volkswagen', modelYear: 1999 };

  it("takes a North American VIN's model year when none is given", () => {
    expect(resolveYear(undefined, northAmerican)).toBe(2003);
    expect(resolveYear(null, northAmerican)).toBe(2003);
  });

  it('refuses a year that contradicts a North American VIN', () => {
    const error = failure(() => resolveYear(2004, northAmerican));
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'year' });
    expect(error.message).toBe('year 2004 contradicts the VIN, whose model year is 2003');
    expect(resolveYear(2003, northAmerican)).toBe(2003);
  });

  it("keeps the owner's year elsewhere, and infers none", () => {
    expect(resolveYear(2005, european)).toBe(2005);
    expect(resolveYear(undefined, european)).toBeNull();
  });

  it('accepts any year when a North American VIN has no year code', () => {
    expect(resolveYear(2010, { ...northAmerican, modelYear: null })).toBe(2010);
  });
});

describe('parseNewVehicle', () => {
  it('normalises the VIN and fills make and year from it', () => {
    expect(parseNewVehicle({ vin: ' 1hgcm82633a004352 ', model: ' Accord ', nickname: '' }, NOW)).toMatchObject({
      vin: { vin: HONDA_2003, region: 'NORTH_AMERICA', manufacturer: 'Honda', modelYear: 2003 },
      make: 'Honda',
      model: 'Accord',
      year: 2003,
      nickname: null,
    });
  });

  it('keeps a make the owner gives', () => {
    expect(parseNewVehicle({ vin: VW_EUROPE, make: 'VW', year: 1999 }, NOW)).toMatchObject({ make: 'VW', year: 1999 });
  });

  it.each([
    [{ year: MIN_YEAR - 1 }, 'year', /1980 or later/],
    [{ year: 2028 }, 'year', /cannot be later than 2027/],
    [{ year: 2001.5 }, 'year', /whole number/],
    [{ make: 'x'.repeat(51) }, 'make', /make is too long/],
    [{ nickname: 'my\u0000car' }, 'nickname', /control characters/],
  ])('refuses %o', (details, field, message) => {
    const error = failure(() => parseNewVehicle({ vin: VW_EUROPE, ...details }, NOW));
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(error.message).toMatch(message);
  });
});

describe('parseVehicleUpdate', () => {
  const vin = { region: 'NORTH_AMERICA' as const, manufacturer: 'Honda', modelYear: 2003 };

  it('changes only the fields given', () => {
    expect(parseVehicleUpdate({ nickname: 'Blue' }, vin, NOW)).toEqual({ nickname: 'Blue' });
    expect(parseVehicleUpdate({ nickname: 'Blue', model: undefined }, vin, NOW)).toEqual({ nickname: 'Blue' });
  });

  it('puts make and year back to the VIN on null, and clears the rest', () => {
    expect(parseVehicleUpdate({ make: null, year: null, model: null, nickname: null }, vin, NOW)).toEqual({
      make: 'Honda',
      year: 2003,
      model: null,
      nickname: null,
    });
  });

  it('applies the year rule and refuses an empty update', () => {
    expect(failure(() => parseVehicleUpdate({ year: 2010 }, vin, NOW)).field).toBe('year');
    expect(failure(() => parseVehicleUpdate({}, vin, NOW))).toMatchObject({
      code: 'BAD_USER_INPUT',
      message: 'Nothing to update',
    });
  });
});
