import { fail, hex2, type DecodeFailure } from './result.js';

export type VinResponseResult = { readonly ok: true; readonly vin: string } | DecodeFailure;

/** Mode 09 positive response service byte and the VIN's info type. */
export const MODE09_RESPONSE = 0x49;
export const VIN_INFO_TYPE = 0x02;
const VIN_LENGTH = 17;

/**
 * Decodes a Mode 09 PID 02 response, already reassembled from its frames: 49 02 01 then the VIN
 * in ASCII. Some ECUs pad the VIN field to a fixed width with 00 bytes, before or after it.
 * Only the ASCII is checked here; whether it is a valid VIN is the vehicles domain's call.
 */
export function decodeVinResponse(bytes: readonly number[]): VinResponseResult {
  if (bytes.length === 0) return fail('TRUNCATED', 'empty response');
  if (bytes[0] !== MODE09_RESPONSE) {
    return fail('MALFORMED', `expected a Mode 09 response (49), got service byte ${hex2(bytes[0])}`);
  }
  if (bytes.length < 2) return fail('TRUNCATED', 'Mode 09 response without an info type');
  if (bytes[1] !== VIN_INFO_TYPE) return fail('UNSUPPORTED', `Mode 09 info type ${hex2(bytes[1])} is not supported`);
  if (bytes.length < 3) return fail('TRUNCATED', 'VIN response without a data item count');
  if (bytes[2] !== 0x01) return fail('MALFORMED', `VIN response must carry 1 data item, got ${bytes[2]}`);

  let start = 3;
  let end = bytes.length;
  while (start < end && bytes[start] === 0x00) start++;
  while (end > start && bytes[end - 1] === 0x00) end--;
  const characters = bytes.slice(start, end);

  if (characters.length < VIN_LENGTH) {
    return fail('TRUNCATED', `VIN has ${characters.length} of ${VIN_LENGTH} characters`);
  }
  if (characters.length > VIN_LENGTH) {
    return fail('MALFORMED', `VIN field has ${characters.length} characters, more than ${VIN_LENGTH}`);
  }
  const invalid = characters.find((c) => !isUpperAlphanumeric(c));
  if (invalid !== undefined) return fail('MALFORMED', `VIN contains a byte that is not A-Z or 0-9: ${hex2(invalid)}`);
  return { ok: true, vin: String.fromCharCode(...characters) };
}

function isUpperAlphanumeric(byte: number): boolean {
  return (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a);
}
