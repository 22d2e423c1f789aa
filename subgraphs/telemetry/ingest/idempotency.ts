import { createHash } from 'node:crypto';
import { ConflictError } from '../../../platform/errors.js';
import type { IdempotencyStore } from './idempotency.store.js';

/** How long a key is remembered (the retention job forgets older ones), as with most payment APIs. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 3_600_000;

export const fingerprint = (request: unknown) => createHash('sha256').update(JSON.stringify(request)).digest('hex');

export const reusedKey = () => new ConflictError('This idempotencyKey was already used for a different upload');

/**
 * An upload is stored once per (vehicle, key) by the bucket documents themselves: each holds a
 * receipt of the uploads whose readings it took, and a retry goes to the same documents
 * (ReadingStore.appendOnce). That needs the retry's readings to carry the first try's times. An
 * upload that leaves its time to the server gets it here, once per key: the first try's time
 * is kept (one insert), and a retry is given it back. An upload that names its times needs
 * nothing here.
 *
 * A key reused for a different upload is refused (CONFLICT) where the two meet: here, or in a
 * bucket document both would write (a receipt with another fingerprint). Two different uploads
 * under one key that name times far apart meet nowhere and are both stored: keys are per upload.
 */
export class Idempotency {
  constructor(private readonly store: IdempotencyStore) {}

  /** The time to store the upload under: `now`, or the first try's. CONFLICT when the key was used for another upload. */
  async pinTime(vehicleId: string, key: string, print: string, now: Date): Promise<Date> {
    const kept = await this.store.pin(vehicleId, key, print, now);
    if (kept.fingerprint !== print) throw reusedKey();
    return kept.at ?? now;
  }
}
