import type { Collection, Db, ObjectId } from 'mongodb';
import { isDuplicateKey } from '../../../platform/mongo/duplicate-key.js';
import { counterKey, formatNumber, type InvoiceDocument } from './invoice.document.js';

/**
 * One counter per (issuer, series, year). `seq` is the last number handed out; `holder` is the
 * draft that number is being given to, present only while an allocation is in flight.
 */
interface CounterDocument {
  _id: string;
  issuerId: string;
  series: string;
  year: number;
  seq: number;
  holder?: ObjectId;
  /** When the holder took its number: the invoice's issue date. */
  at?: Date;
}

/**
 * Gapless numbering with the counter as a lock that anyone may finish.
 *
 * A draft takes a number with one findOneAndUpdate on its counter: `$inc seq` and `$set holder`,
 * only while no holder is set. The holder then writes the number into its draft and clears the
 * holder. Every step after the `$inc` is a conditional, idempotent write that anybody can redo
 * (`settle`): if the holder crashed, or is slow, the next allocator that finds the counter held
 * finishes the job for it: gives the number to the held draft (which already exists: drafts are
 * written before they ask), or, when that draft got a number meanwhile (two retries of one
 * source racing), takes the increment back. So a number is never handed out without landing
 * on a draft, never given twice (the unique numberKey), and a crash at any point leaves at
 * most a held counter that the next allocation settles: no gaps, no duplicates.
 * Allocations for one counter go one at a time (a few milliseconds each); different issuers and
 * years never wait for each other.
 */
export class InvoiceNumbering {
  static readonly collection = 'invoice_counters';
  private readonly counters: Collection<CounterDocument>;

  constructor(
    db: Db,
    private readonly invoices: Collection<InvoiceDocument>,
    private readonly pauseMs = 3,
  ) {
    this.counters = db.collection<CounterDocument>(InvoiceNumbering.collection);
  }

  /** Gives `draftId` its number in `series` for `year` (idempotent); returns the numbered document. */
  async number(
    draftId: ObjectId,
    issuerId: string,
    series: string,
    year: number,
    now: () => Date,
  ): Promise<InvoiceDocument> {
    const key = counterKey(issuerId, series, year);
    await this.ensureCounter(key, issuerId, series, year);
    for (let attempt = 0; ; attempt++) {
      const draft = await this.invoices.findOne({ _id: draftId });
      if (!draft) throw new Error(`invoice draft ${draftId.toHexString()} vanished`);
      if (draft.number) return draft;
      const taken = await this.counters.findOneAndUpdate(
        { _id: key, holder: { $exists: false } },
        { $inc: { seq: 1 }, $set: { holder: draftId, at: now() } },
        { returnDocument: 'after' },
      );
      const held = taken ?? (await this.counters.findOne({ _id: key }));
      if (held?.holder) await this.settle(held);
      else if (!taken) continue;
      // Someone else's allocation was in flight: we finished it; back off a little, then try again.
      if (!taken || !taken.holder?.equals(draftId)) await pause(this.pauseMs * Math.min(attempt + 1, 20));
    }
  }

  /** Finishes a held counter's allocation, whoever started it (see the class comment). */
  async settle(counter: CounterDocument): Promise<void> {
    const { _id, holder, seq, issuerId, series, year } = counter;
    if (!holder) return;
    const number = { series, year, seq, display: formatNumber(series, year, seq) };
    await this.invoices.updateOne(
      { _id: holder, number: null },
      {
        $set: {
          number,
          numberKey: `${issuerId}:${series}:${year}:${seq}`,
          issuedAt: counter.at ?? new Date(),
        },
      },
    );
    const draft = await this.invoices.findOne({ _id: holder }, { projection: { number: 1 } });
    const landed =
      draft?.number && draft.number.series === series && draft.number.year === year && draft.number.seq === seq;
    await this.counters.updateOne(
      { _id, holder, seq },
      landed ? { $unset: { holder: '', at: '' } } : { $inc: { seq: -1 }, $unset: { holder: '', at: '' } },
    );
  }

  private async ensureCounter(key: string, issuerId: string, series: string, year: number): Promise<void> {
    try {
      await this.counters.updateOne(
        { _id: key },
        { $setOnInsert: { issuerId, series, year, seq: 0 } },
        { upsert: true },
      );
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }

  /** For tests and the admin's eye: the last number handed out in a series. */
  async last(issuerId: string, series: string, year: number): Promise<number> {
    return (await this.counters.findOne({ _id: counterKey(issuerId, series, year) }))?.seq ?? 0;
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
