import type { Collection, Db } from 'mongodb';
import { ensureIndexes, type IndexDeclaration } from '../../../platform/mongo/indexes.js';
import type { HealthAlertEvent } from './alert-events.js';
import type { AlertStatus } from './alert.store.js';
import { isDuplicateKey } from '../../../platform/mongo/duplicate-key.js';

/**
 * One entry per alert transition, `_id: <alertId>:<status>`: the event to announce, and whether
 * it went out. Inserting it is how exactly one writer queues a transition's event (the alert's
 * changes are separate inserts too: see AlertTransitionStore), and the relay reads the unsent
 * ones oldest first without touching the alerts.
 */
export interface OutboxEntry {
  _id: string;
  alertId: string;
  event: HealthAlertEvent;
  queuedAt: Date;
  publishedAt: Date | null;
}

export const outboxKey = (alertId: string, status: AlertStatus) => `${alertId}:${status}`;

/** Unsent entries oldest first; retention deletes sent ones by age. */
export const ALERT_OUTBOX_INDEXES: IndexDeclaration[] = [{ key: { publishedAt: 1, queuedAt: 1 } }];

export class AlertOutboxStore {
  static readonly collection = 'alert_outbox';
  private readonly entries: Collection<OutboxEntry>;

  constructor(db: Db) {
    this.entries = db.collection<OutboxEntry>(AlertOutboxStore.collection);
  }

  init(): Promise<void> {
    return ensureIndexes(this.entries, ALERT_OUTBOX_INDEXES);
  }

  /** Queues the transition's event: the entry, or null when it was queued already (whoever queued it sends it). */
  async add(alertId: string, status: AlertStatus, event: HealthAlertEvent, at: Date): Promise<OutboxEntry | null> {
    const entry: OutboxEntry = { _id: outboxKey(alertId, status), alertId, event, queuedAt: at, publishedAt: null };
    try {
      await this.entries.insertOne(entry);
      return entry;
    } catch (error) {
      if (isDuplicateKey(error)) return null;
      throw error;
    }
  }

  get(key: string): Promise<OutboxEntry | null> {
    return this.entries.findOne({ _id: key });
  }

  async markPublished(key: string, at: Date): Promise<void> {
    await this.entries.updateOne({ _id: key }, { $set: { publishedAt: at } });
  }

  /** Entries still unsent that were queued before `before`, oldest first. */
  unpublished(before: Date, limit: number): Promise<OutboxEntry[]> {
    return this.entries
      .find({ publishedAt: null, queuedAt: { $lt: before } })
      .sort({ queuedAt: 1 })
      .limit(limit)
      .toArray();
  }

  /** Sent entries are only needed while a replay may still ask about them. */
  async deletePublishedBefore(cutoff: Date): Promise<number> {
    const result = await this.entries.deleteMany({ publishedAt: { $lt: cutoff } });
    return result.deletedCount;
  }
}
