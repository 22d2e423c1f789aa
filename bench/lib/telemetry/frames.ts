/* ELM327 replies (CAN, headers off) for the benchmark: each decodes to exactly one reading. */

const hex = (byte: number) => byte.toString(16).toUpperCase().padStart(2, '0');

/** Mode 01 PIDs a dongle polls in a loop: load, coolant, RPM, speed, intake temperature, throttle. */
const POLLED: { pid: number; bytes: number }[] = [
  { pid: 0x04, bytes: 1 },
  { pid: 0x05, bytes: 1 },
  { pid: 0x0c, bytes: 2 },
  { pid: 0x0d, bytes: 1 },
  { pid: 0x0f, bytes: 1 },
  { pid: 0x11, bytes: 1 },
];

export const POLLED_PIDS = POLLED.map((p) => hex(p.pid));

/** One upload: the PIDs in turn, with values that vary from frame to frame. */
export function pollingFrames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const { pid, bytes } = POLLED[i % POLLED.length];
    const data = Array.from({ length: bytes }, (_, b) => hex((i * 37 + b * 101 + pid) % 256));
    return ['41', hex(pid), ...data].join(' ');
  });
}

/*
 * Latency events carry their sequence number as the RPM reading (PID 0C: RPM = (256A + B) / 4),
 * so a subscriber knows which ingest call an event came from by its value alone.
 */
export const MARKER_PID = '0C';
export const MAX_MARKER = 0xffff >> 2;

export function markerFrame(seq: number): string {
  if (!Number.isInteger(seq) || seq < 0 || seq > MAX_MARKER)
    throw new RangeError(`marker ${seq} is out of 0..${MAX_MARKER}`);
  const raw = seq * 4;
  return `41 0C ${hex(raw >> 8)} ${hex(raw & 0xff)}`;
}
