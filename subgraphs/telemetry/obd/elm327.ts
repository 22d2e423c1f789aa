import { fail, type DecodeFailure } from './result.js';

/**
 * Normalises what an ELM327 (or clone) prints for one OBD request, CAN protocols, headers off
 * (ATH0), echo off (ATE0), spaces on or off (ATS1/ATS0), CAN auto-formatting on (ATCAF1).
 * Each ECU reply becomes one message: its bytes from the service byte on (e.g. 41 0C 1A F8).
 */

export type ElmStatus =
  | 'NO_DATA'
  | 'SEARCHING'
  | 'UNKNOWN_COMMAND'
  | 'STOPPED'
  | 'UNABLE_TO_CONNECT'
  | 'CAN_ERROR'
  | 'BUS_INIT'
  | 'BUS_INIT_ERROR'
  | 'BUS_BUSY'
  | 'BUS_ERROR'
  | 'BUFFER_FULL'
  | 'DATA_ERROR'
  | 'RX_ERROR'
  | 'ADAPTER_ERROR';

export type ElmResponse =
  | { readonly ok: true; readonly kind: 'messages'; readonly messages: number[][] }
  | { readonly ok: true; readonly kind: 'status'; readonly status: ElmStatus }
  | DecodeFailure;

/** Progress messages the adapter prints before the data; they mean nothing once data follows. */
const INFORMATIONAL: ReadonlySet<ElmStatus> = new Set(['SEARCHING', 'BUS_INIT']);

/** Matched against the line upper-cased with all whitespace removed, because ATS0 also drops
 *  the spaces inside status texts ("NODATA"). */
const STATUS_PATTERNS: ReadonlyArray<readonly [RegExp, ElmStatus]> = [
  [/^NODATA$/, 'NO_DATA'],
  [/^SEARCHING\.*$/, 'SEARCHING'],
  [/^\?$/, 'UNKNOWN_COMMAND'],
  [/^STOPPED$/, 'STOPPED'],
  [/^UNABLETOCONNECT$/, 'UNABLE_TO_CONNECT'],
  [/^CANERROR$/, 'CAN_ERROR'],
  [/^BUSINIT.*ERROR$/, 'BUS_INIT_ERROR'],
  [/^BUSINIT/, 'BUS_INIT'],
  [/^BUSBUSY$/, 'BUS_BUSY'],
  [/^BUSERROR$/, 'BUS_ERROR'],
  [/^BUFFERFULL$/, 'BUFFER_FULL'],
  [/^FBERROR$/, 'BUS_ERROR'],
  [/^ERR\d\d$/, 'ADAPTER_ERROR'],
  [/^LVRESET$/, 'ADAPTER_ERROR'],
  // The adapter appends these to a data line whose checksum or reception failed: the bytes
  // on that line cannot be trusted.
  [/<DATAERROR$/, 'DATA_ERROR'],
  [/<RXERROR$/, 'RX_ERROR'],
];

const MULTI_FRAME_LINE = /^([0-9A-F])\s*:\s*(.*)$/;
const LENGTH_LINE = /^[0-9A-F]{3}$/;

/** Accepts one string with lines separated by CR and/or LF, or an array of such strings. */
export function parseElmResponse(raw: string | readonly string[]): ElmResponse {
  const lines = splitLines(raw);
  const statuses = lines.map(matchStatus);
  const error = statuses.find((s): s is ElmStatus => s !== null && !INFORMATIONAL.has(s));
  if (error) return { ok: true, kind: 'status', status: error };

  const dataLines = lines.filter((_, i) => statuses[i] === null);
  if (dataLines.length === 0) {
    const info = statuses.find((s): s is ElmStatus => s !== null);
    return info ? { ok: true, kind: 'status', status: info } : fail('MALFORMED', 'empty response');
  }
  return assembleMessages(dataLines);
}

/** Parses one line of hex bytes, with or without spaces between bytes. */
export function parseHexBytes(line: string): number[] | DecodeFailure {
  const tokens = line.trim().split(/\s+/).filter(Boolean);
  if (tokens.length === 0) return fail('MALFORMED', 'empty data line');
  const bytes: number[] = [];
  for (const token of tokens) {
    if (!/^[0-9A-Fa-f]+$/.test(token)) return fail('MALFORMED', `not hexadecimal: "${excerpt(token)}"`);
    // A spaced token of odd length is a split or lost digit; guessing which would invent data.
    if (token.length % 2 !== 0) return fail('MALFORMED', `odd number of hex digits in "${excerpt(token)}"`);
    for (let i = 0; i < token.length; i += 2) bytes.push(parseInt(token.slice(i, i + 2), 16));
  }
  return bytes;
}

function splitLines(raw: string | readonly string[]): string[] {
  const chunks = typeof raw === 'string' ? [raw] : raw;
  const lines: string[] = [];
  for (const chunk of chunks) {
    for (const piece of String(chunk).split(/[\r\n]+/)) {
      // Some clones emit stray NULs; the '>' prompt ends a reply and may be glued to a line.
      const line = piece
        .replace(/\0/g, '')
        .trim()
        .replace(/^>+|>+$/g, '')
        .trim()
        .toUpperCase();
      if (line) lines.push(line);
    }
  }
  return lines;
}

function matchStatus(line: string): ElmStatus | null {
  const compact = line.replace(/\s+/g, '');
  for (const [pattern, status] of STATUS_PATTERNS) if (pattern.test(compact)) return status;
  return null;
}

interface PendingMessage {
  readonly length: number;
  readonly bytes: number[];
  nextSequence: number;
}

/**
 * Single-frame replies are one line each. A multi-frame (ISO 15765) reply is a line with the
 * total byte count in three hex digits, then lines "0:", "1:", ... "F:", "0:" ... carrying the
 * payload; the last line may hold padding beyond the announced count.
 */
function assembleMessages(lines: readonly string[]): ElmResponse {
  const messages: number[][] = [];
  let pending: PendingMessage | null = null;

  for (const line of lines) {
    const continuation = MULTI_FRAME_LINE.exec(line);
    if (continuation) {
      if (!pending) return fail('MALFORMED', `frame line "${excerpt(line)}" without a preceding length line`);
      const sequence = parseInt(continuation[1], 16);
      if (sequence !== pending.nextSequence) {
        return fail('MALFORMED', `multi-frame sequence ${sequence} where ${pending.nextSequence} was expected`);
      }
      const bytes = parseHexBytes(continuation[2]);
      if (!Array.isArray(bytes)) return bytes;
      pending.bytes.push(...bytes);
      pending.nextSequence = (pending.nextSequence + 1) % 16;
      if (pending.bytes.length >= pending.length) {
        messages.push(pending.bytes.slice(0, pending.length));
        pending = null;
      }
      continue;
    }

    if (pending) return truncated(pending);

    if (LENGTH_LINE.test(line)) {
      const length = parseInt(line, 16);
      if (length === 0) return fail('MALFORMED', 'multi-frame length line announces 0 bytes');
      pending = { length, bytes: [], nextSequence: 0 };
      continue;
    }

    const bytes = parseHexBytes(line);
    if (!Array.isArray(bytes)) return bytes;
    messages.push(bytes);
  }

  if (pending) return truncated(pending);
  return { ok: true, kind: 'messages', messages };
}

function truncated(pending: PendingMessage): DecodeFailure {
  return fail('TRUNCATED', `multi-frame reply ended after ${pending.bytes.length} of ${pending.length} bytes`);
}

function excerpt(text: string): string {
  return text.length > 16 ? `${text.slice(0, 16)}...` : text;
}
