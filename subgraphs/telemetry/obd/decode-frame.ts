import { decodeDtcResponse, DTC_RESPONSE_MODES, type DtcMode } from './dtc.js';
import { parseElmResponse, type ElmStatus } from './elm327.js';
import { decodeMode01, MODE01_RESPONSE, type Reading } from './pids.js';
import { fail, hex2, type DecodeFailure } from './result.js';
import { decodeVinResponse, MODE09_RESPONSE } from './vin.js';

/** Longer than any reply we decode (a VIN is ~80 characters); bounds work per untrusted frame. */
export const MAX_FRAME_CHARS = 512;

export type DecodedFrame =
  | { readonly ok: true; readonly kind: 'readings'; readonly readings: Reading[] }
  | { readonly ok: true; readonly kind: 'dtcs'; readonly mode: DtcMode; readonly codes: string[] }
  | { readonly ok: true; readonly kind: 'vin'; readonly vin: string }
  | { readonly ok: true; readonly kind: 'status'; readonly status: ElmStatus }
  | DecodeFailure;

type MessageResult = Exclude<DecodedFrame, { kind: 'status' }>;
type DecodedMessage = Exclude<MessageResult, DecodeFailure>;

const NEGATIVE_RESPONSE = 0x7f;
const RESPONSE_PENDING = 0x78;
const NEGATIVE_RESPONSE_CODES: Record<number, string> = {
  0x10: 'general reject',
  0x11: 'service not supported',
  0x12: 'sub-function not supported or invalid format',
  0x21: 'busy, repeat request',
  0x22: 'conditions not correct',
  0x31: 'request out of range',
  0x78: 'response pending',
};

/**
 * Decodes one ELM327 reply (one string, or its lines) into readings, DTCs, a VIN or an adapter
 * status. When several ECUs answer, their replies must be of one kind and are merged.
 */
export function decodeFrame(raw: string | readonly string[]): DecodedFrame {
  const tooLong = checkLength(raw);
  if (tooLong) return tooLong;

  const parsed = parseElmResponse(raw);
  if (!parsed.ok || parsed.kind === 'status') return parsed;

  // "Response pending" only announces that the real answer follows in a later message.
  const answers = parsed.messages.filter((m) => !(m[0] === NEGATIVE_RESPONSE && m[2] === RESPONSE_PENDING));
  const messages = answers.length > 0 ? answers : parsed.messages;
  const decoded: DecodedMessage[] = [];
  for (const message of messages) {
    const result = decodeMessage(message);
    if (!result.ok) return result;
    decoded.push(result);
  }
  return merge(decoded);
}

function checkLength(raw: string | readonly string[]): DecodeFailure | null {
  if (typeof raw === 'string') {
    return raw.length > MAX_FRAME_CHARS ? tooLong() : null;
  }
  if (!Array.isArray(raw)) return fail('MALFORMED', 'frame must be a string or an array of strings');
  let total = 0;
  for (const line of raw) {
    if (typeof line !== 'string') return fail('MALFORMED', 'frame lines must be strings');
    total += line.length;
    if (total > MAX_FRAME_CHARS) return tooLong();
  }
  return null;
}

function tooLong(): DecodeFailure {
  return fail('TOO_LONG', `frame is longer than ${MAX_FRAME_CHARS} characters`);
}

function decodeMessage(bytes: number[]): MessageResult {
  const service = bytes[0];
  if (service === MODE01_RESPONSE) {
    const result = decodeMode01(bytes);
    return result.ok ? { ok: true, kind: 'readings', readings: result.readings } : result;
  }
  if (DTC_RESPONSE_MODES.has(service)) {
    const result = decodeDtcResponse(bytes);
    return result.ok ? { ok: true, kind: 'dtcs', mode: result.mode, codes: result.codes } : result;
  }
  if (service === MODE09_RESPONSE) {
    const result = decodeVinResponse(bytes);
    return result.ok ? { ok: true, kind: 'vin', vin: result.vin } : result;
  }
  if (service === NEGATIVE_RESPONSE) {
    if (bytes.length < 3) return fail('TRUNCATED', 'negative response without its code');
    const why = NEGATIVE_RESPONSE_CODES[bytes[2]] ?? `code ${hex2(bytes[2])}`;
    return fail('UNSUPPORTED', `ECU rejected the mode ${hex2(bytes[1])} request: ${why}`);
  }
  if (service < 0x40) {
    // A request byte where a response belongs: usually the adapter's echo (ATE1) or a mix-up.
    return fail('MALFORMED', `service byte ${hex2(service)} is a request, not a response`);
  }
  return fail('UNSUPPORTED', `responses to mode ${hex2(service - 0x40)} are not supported`);
}

function merge(decoded: DecodedMessage[]): MessageResult {
  const [first, ...rest] = decoded;
  if (rest.some((d) => d.kind !== first.kind)) return fail('MALFORMED', 'ECUs answered with different kinds of reply');

  switch (first.kind) {
    case 'readings':
      return {
        ok: true,
        kind: 'readings',
        readings: decoded.flatMap((d) => (d.kind === 'readings' ? d.readings : [])),
      };
    case 'dtcs': {
      const all = decoded.filter((d) => d.kind === 'dtcs');
      if (all.some((d) => d.mode !== first.mode)) return fail('MALFORMED', 'ECUs answered with different DTC modes');
      // Several ECUs may report the same emission code; one entry per code is what clients want.
      const codes = [...new Set(all.flatMap((d) => d.codes))];
      return { ok: true, kind: 'dtcs', mode: first.mode, codes };
    }
    case 'vin':
      if (rest.some((d) => d.kind === 'vin' && d.vin !== first.vin)) {
        return fail('MALFORMED', 'ECUs reported different VINs');
      }
      return first;
  }
}
