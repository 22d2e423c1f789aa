import type { Random } from './random.js';

/**
 * With --upload-every, how many rounds a dongle has already "taken" when the run starts, so
 * that its first upload comes after `perUpload` minus that many rounds: its place in the upload
 * interval. Drawn per vehicle from its own seeded stream, apart from its place in the polling
 * period (its index): dongles switched on at different times share neither. Derived from the
 * index, as it once was (`floor(index / vehicles * perUpload)`), the dongles of one upload
 * second were neighbours in index and so polled within a few milliseconds of each other: with
 * 1,000 vehicles every 30 s, each second's 33 uploads arrived within 33 ms, a burst every second
 * that no fleet of independent devices sends.
 */
export function uploadSlot(random: Random, perUpload: number): number {
  return random.fork('upload-slot').int(0, Math.max(0, perUpload - 1));
}
