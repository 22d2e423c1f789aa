/** Bytes as an ELM327 prints them: upper-case hex pairs separated by spaces. */
const hex = (n: number, bytes: number) =>
  Math.round(n)
    .toString(16)
    .toUpperCase()
    .padStart(bytes * 2, '0')
    .match(/../g)!
    .join(' ');

const SYSTEMS = 'PCBU';

/** A trouble code's two bytes (SAE J2012): system and first digit in the high bits, then hex. */
const dtcBytes = (code: string) => {
  const a = (SYSTEMS.indexOf(code[0]) << 6) | (Number(code[1]) << 4) | parseInt(code[2], 16);
  return `${hex(a, 1)} ${code.slice(3)}`;
};

/** ELM327 replies (CAN, headers off) as a dongle prints them, encoded per SAE J1979. */
export const frames = {
  coolant: (celsius: number) => `41 05 ${hex(celsius + 40, 1)}`,
  rpm: (rpm: number) => `41 0C ${hex(rpm * 4, 2)}`,
  voltage: (volts: number) => `41 42 ${hex(volts * 1000, 2)}`,
  /** Mode 03: one stored code, P0301 (cylinder 1 misfire). */
  misfire: '43 01 03 01',
  /** One ECU's Mode 03 reply listing `codes` (at most 84 fit in one 512-character frame). */
  storedCodes: (codes: readonly string[]) => ['43', hex(codes.length, 1), ...codes.map(dtcBytes)].join(' '),
};

/** `count` distinct manufacturer codes (P1000, P1001, ...), none of them in the description table. */
export const manufacturerCodes = (count: number, from = 0) =>
  Array.from({ length: count }, (_, i) => `P1${(from + i).toString(16).toUpperCase().padStart(3, '0')}`);

/** Mode 03 frames of `perFrame` codes each, carrying every one of `codes`. */
export function storedCodeFrames(codes: readonly string[], perFrame = 60): string[] {
  const list: string[] = [];
  for (let i = 0; i < codes.length; i += perFrame) list.push(frames.storedCodes(codes.slice(i, i + perFrame)));
  return list;
}
