/** Why a frame was rejected; stable, so ingestion can count and report rejects by code. */
export type DecodeErrorCode = 'MALFORMED' | 'UNSUPPORTED' | 'TOO_LONG' | 'TRUNCATED';

export interface DecodeFailure {
  readonly ok: false;
  readonly code: DecodeErrorCode;
  readonly reason: string;
}

export function fail(code: DecodeErrorCode, reason: string): DecodeFailure {
  return { ok: false, code, reason };
}

/** Two uppercase hex digits, the way PIDs and bytes are written in J1979 and in our API. */
export function hex2(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, '0');
}
