import { ObjectId } from 'mongodb';
import { ErrorCode } from '../../../platform/errors.js';
import { useScratchDatabase } from '../../../test/scratch-database.js';
import { paymentEntry, refundEntry, type PaymentFacts } from '../ledger/journal.js';
import { LedgerStore } from '../ledger/ledger.store.js';
import { LedgerReader } from './ledger-reader.js';

const db = useScratchDatabase('ledger_reader');
const A = 'a'.repeat(24);
const B = 'b'.repeat(24);
const day = (d: number, h = 12) => new Date(Date.UTC(2026, 2, d, h));
const facts = (
  centreId: string,
  amountMinor: number,
  feeMinor: number,
  subjectKind: PaymentFacts['subjectKind'] = 'ORDER',
  currency = 'EUR',
): PaymentFacts => ({
  paymentId: new ObjectId().toHexString(),
  centreId,
  customerId: 'c'.repeat(24),
  subjectKind,
  subjectId: 'd'.repeat(24),
  amountMinor,
  feeMinor,
  currency,
});
const at = (d: Date) => ({ postedAt: d, recordedAt: d, source: 'request' });

let ledger: LedgerStore;
let reader: LedgerReader;
beforeAll(async () => {
  ledger = new LedgerStore(db());
  await ledger.init();
  reader = new LedgerReader(ledger.entries);
  const p1 = facts(A, 10_000, 1_000);
  await ledger.record(paymentEntry(p1, at(day(1))));
  await ledger.record(refundEntry(p1, { providerRefundId: 're_1', amountMinor: 2_500, refundedBefore: 0 }, at(day(2))));
  await ledger.record(paymentEntry(facts(A, 4_000, 400, 'BOOKING'), at(day(2))));
  await ledger.record(paymentEntry(facts(B, 3_000, 300, 'ROADSIDE'), at(day(3))));
  await ledger.record(paymentEntry(facts(B, 5_000, 500, 'ORDER', 'GBP'), at(day(3))));
});

describe('revenue', () => {
  const from = day(1, 0);
  const to = day(4, 0);

  it('groups by UTC day, centre and category, per currency, with the refunds and fees netted', async () => {
    expect(
      (await reader.revenue(from, to, 'DAY')).map((r) => [
        r.key,
        r.currency,
        r.grossMinor,
        r.refundedMinor,
        r.feeMinor,
        r.partnerMinor,
        r.payments,
      ]),
    ).toEqual([
      ['2026-03-01', 'EUR', 10_000, 0, 1_000, 9_000, 1],
      ['2026-03-02', 'EUR', 4_000, 2_500, 400 - 250, 3_600 - 2_250, 1],
      ['2026-03-03', 'EUR', 3_000, 0, 300, 2_700, 1],
      ['2026-03-03', 'GBP', 5_000, 0, 500, 4_500, 1],
    ]);
    expect(
      (await reader.revenue(from, to, 'CENTRE')).map((r) => [r.key, r.currency, r.grossMinor - r.refundedMinor]),
    ).toEqual([
      [A, 'EUR', 11_500],
      [B, 'EUR', 3_000],
      [B, 'GBP', 5_000],
    ]);
    expect((await reader.revenue(from, to, 'CATEGORY')).map((r) => [r.key, r.currency, r.feeMinor])).toEqual([
      ['BOOKING', 'EUR', 400],
      ['ORDER', 'EUR', 750],
      ['ORDER', 'GBP', 500],
      ['ROADSIDE', 'EUR', 300],
    ]);
  });

  it('keeps to [from, to): an entry at `to` is the next window`s', async () => {
    const rows = await reader.revenue(day(1, 0), day(2, 12), 'DAY');
    expect(rows.map((r) => r.key)).toEqual(['2026-03-01']);
    expect((await reader.revenueTotal(day(1, 0), day(3, 0), 'EUR')).feeMinor).toBe(1_150);
  });

  it.each([
    ['to before from', day(3), day(1), 'to'],
    ['an empty window', day(3), day(3), 'to'],
    ['more than 400 days', new Date(Date.UTC(2024, 0, 1)), day(3), 'to'],
    ['an invalid date', new Date('nope'), day(3), 'from'],
  ])('refuses %s with BAD_USER_INPUT', async (_name, f, t, field) => {
    await expect(reader.revenue(f, t, 'DAY')).rejects.toMatchObject({
      extensions: { code: ErrorCode.BAD_USER_INPUT, field },
    });
  });
});

describe('a centre`s statement and balance', () => {
  it('pages newest first by (postedAt, id) and shows the centre`s side of each entry', async () => {
    const first = await reader.statement(A, { first: 2 });
    expect(first.lines.map((l) => [l.kind, l.amountMinor])).toEqual([
      ['REFUND', -2_250],
      ['PAYMENT', 3_600],
    ]);
    expect(first.hasNextPage).toBe(true);
    const rest = await reader.statement(A, { first: 2, after: first.cursorOf(first.lines[1]) });
    expect(rest.lines.map((l) => [l.kind, l.amountMinor])).toEqual([['PAYMENT', 9_000]]);
    expect(rest.hasNextPage).toBe(false);
    expect(await reader.countStatement(A)).toBe(3);
  });

  it('refuses a forged cursor and a bad page size', async () => {
    await expect(reader.statement(A, { after: 'bm90LWpzb24' })).rejects.toMatchObject({
      extensions: { code: ErrorCode.BAD_USER_INPUT, field: 'after' },
    });
    await expect(reader.statement(A, { first: 0 })).rejects.toMatchObject({
      extensions: { code: ErrorCode.BAD_USER_INPUT, field: 'first' },
    });
    await expect(reader.statement(A, { first: 101 })).rejects.toMatchObject({
      extensions: { code: ErrorCode.BAD_USER_INPUT, field: 'first' },
    });
  });

  it('balances per currency; a centre with no entries has none', async () => {
    expect(await reader.centreBalances(A)).toEqual([
      {
        currency: 'EUR',
        balanceMinor: 10_350,
        earnedMinor: 10_350,
        paidOutMinor: 0,
        availableMinor: 10_350,
        pendingMinor: 0,
      },
    ]);
    expect((await reader.centreBalances(B)).map((b) => b.currency)).toEqual(['EUR', 'GBP']);
    expect(await reader.centreBalances('e'.repeat(24))).toEqual([]);
    expect(await reader.centresWithEntries()).toEqual([A, B]);
  });
});
