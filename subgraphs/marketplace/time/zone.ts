import { IANAZone } from 'luxon';

/**
 * The canonical name of an IANA time zone (`europe/berlin` -> `Europe/Berlin`), or null when
 * it is not one. Fixed offsets and abbreviations (`+02:00`, `CET` aside, `EST`) are refused
 * where the zone database does not list them: a centre's hours follow its zone's DST rules.
 */
export function canonicalZone(name: string): string | null {
  if (typeof name !== 'string' || name.length === 0 || name.length > 64 || !/^[A-Za-z0-9_+\-/]+$/.test(name)) {
    return null;
  }
  if (!IANAZone.isValidZone(name)) return null;
  return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
}
