/** Bytes as an ELM327 prints them: upper-case hex pairs separated by spaces. */
const hex = (n: number, bytes: number) =>
  Math.round(n)
    .toString(16)
    .toUpperCase()
    .padStart(bytes * 2, '0')
    .match(/../g)!
    .join(' ');

/** ELM327 replies (CAN, headers off) as a dongle prints them, encoded per SAE J1979. */
export const frames = {
  coolant: (celsius: number) => `41 05 ${hex(celsius + 40, 1)}`,
  rpm: (rpm: number) => `41 0C ${hex(rpm * 4, 2)}`,
  voltage: (volts: number) => `41 42 ${hex(volts * 1000, 2)}`,
  /** Mode 03: one stored code, P0301 (cylinder 1 misfire). */
  misfire: '43 01 03 01',
};
