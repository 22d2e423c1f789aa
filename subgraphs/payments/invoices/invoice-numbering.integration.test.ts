import { MongoClient, ObjectId, type Db } from 'mongodb';
import { useScratchDatabase } from '../../../test/scratch-database.js';
import { basisPoints } from '../ledger/accounts.js';
import { invoiceLines, totalsOf } from './invoice-math.js';
import { InvoiceNumbering } from './invoice-numbering.js';
import type { InvoiceDocument } from './invoice.document.js';
import { InvoiceStore, type DraftInput } from './invoice.store.js';

const db = useScratchDatabase('invoice_numbering');
const CENTRE_A = 'a'.repeat(24);
const CENTRE_B = 'b'.repeat(24);
const clock = () => new Date('2026-06-01T10:00:00Z');

function draft(source: string, issuerId = CENTRE_A, kind: DraftInput['kind'] = 'INVOICE'): DraftInput {
  const lines = invoiceLines(1_200, 'Oil change', [], basisPoints(20));
  return {
    source,
    kind,
    issuer: { id: issuerId, name: 'Centre', address: null },
    customer: { id: 'c'.repeat(24), name: 'Customer', address: null },
    issuerId,
    customerId: 'c'.repeat(24),
    paymentId: source,
    subjectKind: 'ORDER',
    subjectId: 'd'.repeat(24),
    description: 'Order',
    currency: 'EUR',
    vatRateBps: 2_000,
    lines,
    ...totalsOf(lines),
    creditsInvoiceId: null,
    createdAt: clock(),
  };
}

/** A second instance: its own client and connection pool on the same database. */
async function secondInstance(): Promise<{ db: Db; close: () => Promise<void> }> {
  const client = await MongoClient.connect(process.env.MONGODB_URI!);
  return { db: client.db(db().databaseName), close: () => client.close() };
}

const seqs = (docs: InvoiceDocument[]) => docs.map((d) => d.number!.seq).sort((a, b) => a - b);
const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

beforeEach(async () => {
  await db().collection('invoices').deleteMany({});
  await db().collection('invoice_counters').deleteMany({});
});

describe('invoice numbers', () => {
  it('have no gaps and no duplicates under concurrent invoicing from two instances, retries included', async () => {
    const other = await secondInstance();
    try {
      const stores = [new InvoiceStore(db(), 1), new InvoiceStore(other.db, 1)];
      await stores[0].init();
      const sources = Array.from({ length: 40 }, (_, i) => `payment:${i}`);
      // Every source is invoiced by both instances at once, and twice more by the first (retries).
      const calls = sources.flatMap((s, i) => [
        stores[0].issue(draft(s, i % 4 === 0 ? CENTRE_B : CENTRE_A), clock),
        stores[1].issue(draft(s, i % 4 === 0 ? CENTRE_B : CENTRE_A), clock),
        stores[0].issue(draft(s, i % 4 === 0 ? CENTRE_B : CENTRE_A), clock),
      ]);
      const results = await Promise.all(calls);
      // The three calls for one source answer the same invoice.
      for (let i = 0; i < sources.length; i++) {
        const [a, b, c] = results.slice(3 * i, 3 * i + 3);
        expect(b._id).toEqual(a._id);
        expect(c._id).toEqual(a._id);
      }
      const all = await db().collection<InvoiceDocument>('invoices').find({}).toArray();
      expect(all).toHaveLength(40);
      const ofA = all.filter((d) => d.issuerId === CENTRE_A);
      const ofB = all.filter((d) => d.issuerId === CENTRE_B);
      expect(seqs(ofA)).toEqual(oneTo(30));
      expect(seqs(ofB)).toEqual(oneTo(10));
      expect(all.every((d) => d.number!.display === `INV-2026-${String(d.number!.seq).padStart(6, '0')}`)).toBe(true);
      expect(await stores[1].numbering.last(CENTRE_A, 'INV', 2026)).toBe(30);
      const counters = await db().collection('invoice_counters').find({}).toArray();
      expect(counters.every((c) => c.holder === undefined)).toBe(true);
    } finally {
      await other.close();
    }
  });

  it('a number taken by a process that died before writing it goes to its draft, not to the next invoice', async () => {
    const store = new InvoiceStore(db(), 1);
    await store.init();
    await store.issue(draft('payment:first'), clock);
    // The dying process: its draft is written and it took number 2, then nothing more.
    const orphanId = new ObjectId();
    await store.invoices.insertOne({
      ...draft('payment:orphan'),
      _id: orphanId,
      number: null,
      numberKey: `draft:${orphanId.toHexString()}`,
      issuedAt: null,
    });
    await db()
      .collection('invoice_counters')
      .updateOne(
        { _id: `${CENTRE_A}:INV:2026` as never },
        { $inc: { seq: 1 }, $set: { holder: orphanId, at: clock() } },
      );

    const next = await store.issue(draft('payment:next'), clock);
    expect(next.number!.seq).toBe(3);
    expect((await store.invoices.findOne({ _id: orphanId }))!.number!.seq).toBe(2);
    // The dead process's retry finds its invoice numbered and takes nothing.
    expect((await store.issue(draft('payment:orphan'), clock)).number!.seq).toBe(2);
    expect(await store.numbering.last(CENTRE_A, 'INV', 2026)).toBe(3);
  });

  it('an increment whose draft was numbered meanwhile (two retries racing) is taken back', async () => {
    const store = new InvoiceStore(db(), 1);
    await store.init();
    const first = await store.issue(draft('payment:raced'), clock);
    // A racing retry incremented after the first call numbered the draft, then died.
    await db()
      .collection('invoice_counters')
      .updateOne(
        { _id: `${CENTRE_A}:INV:2026` as never },
        { $inc: { seq: 1 }, $set: { holder: first._id, at: clock() } },
      );
    const next = await store.issue(draft('payment:after'), clock);
    expect(next.number!.seq).toBe(2);
    expect((await store.invoices.findOne({ _id: first._id }))!.number!.seq).toBe(1);
  });

  it('credit notes have their own series per issuer and year', async () => {
    const store = new InvoiceStore(db(), 1);
    await store.init();
    await store.issue(draft('payment:1'), clock);
    const note = await store.issue(draft('refund:1:1200', CENTRE_A, 'CREDIT_NOTE'), clock);
    expect(note.number).toEqual({ series: 'CN', year: 2026, seq: 1, display: 'CN-2026-000001' });
    const nextYear = await store.issue(draft('payment:2'), () => new Date('2027-01-01T00:00:01Z'));
    expect(nextYear.number!.display).toBe('INV-2027-000001');
  });

  it('keeps numbering through InvoiceNumbering alone (the store`s collaborator) idempotent', async () => {
    const store = new InvoiceStore(db(), 1);
    await store.init();
    const issued = await store.issue(draft('payment:x'), clock);
    const again = await new InvoiceNumbering(db(), store.invoices).number(issued._id, CENTRE_A, 'INV', 2026, clock);
    expect(again.number).toEqual(issued.number);
  });
});
