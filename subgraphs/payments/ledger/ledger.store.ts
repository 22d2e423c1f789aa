import type { Collection, Db } from 'mongodb';
import { insertUnlessTaken } from '../../../platform/mongo/duplicate-key.js';
import { ensureIndexes, type IndexDeclaration } from '../../../platform/mongo/indexes.js';
import { balanced, UnbalancedEntryError, type JournalEntry } from './journal.js';

export const JOURNAL_INDEXES: IndexDeclaration[] = [
  // A payment's entries (refund checks, reconciliation).
  { key: { paymentId: 1 } },
  // A centre's statement, newest first; revenue by centre.
  { key: { centreId: 1, postedAt: -1 } },
  // Revenue by day and category over a window.
  { key: { postedAt: 1 } },
];

/**
 * The journal: append-only, one document per entry, keyed by its deterministic id. Writing an
 * entry is one insert; an id already there means the movement is recorded (by a webhook, our own
 * request, a retry or reconciliation), so `record` is idempotent without transactions.
 */
export class LedgerStore {
  static readonly collection = 'journal_entries';
  readonly entries: Collection<JournalEntry>;

  constructor(db: Db) {
    this.entries = db.collection<JournalEntry>(LedgerStore.collection);
  }

  init(): Promise<void> {
    return ensureIndexes(this.entries, JOURNAL_INDEXES);
  }

  /** Writes `entry` unless its id is recorded; true when this call wrote it. Refuses an unbalanced entry. */
  async record(entry: JournalEntry): Promise<boolean> {
    if (!balanced(entry)) throw new UnbalancedEntryError(entry._id);
    return insertUnlessTaken(this.entries, entry);
  }

  has(id: string): Promise<boolean> {
    return this.entries.countDocuments({ _id: String(id) }, { limit: 1 }).then((n) => n > 0);
  }

  forPayment(paymentId: string): Promise<JournalEntry[]> {
    return this.entries
      .find({ paymentId: String(paymentId) })
      .sort({ postedAt: 1 })
      .toArray();
  }

  /**
   * Sum of every line per currency and per account (a full scan: reconciliation's check and
   * tests). Each currency's total must be zero.
   */
  async totals(): Promise<{ byCurrency: Record<string, number>; byAccount: Record<string, Record<string, number>> }> {
    const byCurrency: Record<string, number> = {};
    const byAccount: Record<string, Record<string, number>> = {};
    for await (const entry of this.entries.find({}, { projection: { currency: 1, lines: 1 } })) {
      for (const line of entry.lines) {
        byCurrency[entry.currency] = (byCurrency[entry.currency] ?? 0) + line.amountMinor;
        const account = (byAccount[line.account] ??= {});
        account[entry.currency] = (account[entry.currency] ?? 0) + line.amountMinor;
      }
    }
    return { byCurrency, byAccount };
  }

  /** An account's balance per currency (signs as in accounts.ts), from the entries of one centre. */
  async balance(account: string, centreId: string): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for await (const entry of this.entries.find(
      { centreId: String(centreId) },
      { projection: { currency: 1, lines: 1 } },
    )) {
      for (const line of entry.lines) {
        if (line.account === account) out[entry.currency] = (out[entry.currency] ?? 0) + line.amountMinor;
      }
    }
    return out;
  }
}
