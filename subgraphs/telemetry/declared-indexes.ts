import type { IndexDeclaration } from '../../platform/mongo/indexes.js';
import { DTC_INDEXES, DtcStore } from './dtcs/dtc.store.js';
import { IDEMPOTENCY_INDEXES, IdempotencyStore } from './ingest/idempotency.store.js';
import { READING_BUCKET_INDEXES, ReadingStore } from './readings/reading.store.js';

/** Every index the telemetry stores declare, by collection (`latest_readings` is read by `_id` only). */
export const TELEMETRY_INDEXES: Readonly<Record<string, IndexDeclaration[]>> = {
  [ReadingStore.collection]: READING_BUCKET_INDEXES,
  [DtcStore.collection]: DTC_INDEXES,
  [IdempotencyStore.collection]: IDEMPOTENCY_INDEXES,
};
