import { MongoClient, ObjectId } from 'mongodb';
import { createLogger } from '../../../platform/logger.js';
import { useScratchDatabase } from '../../../test/scratch-database.js';
import { waitFor } from '../../../test/wait-for.js';
import { partnerAccount } from '../ledger/accounts.js';
import { paymentEntry, refundEntry, type PaymentFacts } from '../ledger/journal.js';
import { LedgerStore } from '../ledger/ledger.store.js';
import { LedgerReader } from '../reports/ledger-reader.js';
import { PayoutService, startPayoutJob } from './payout.service.js';
import { PayoutStore } from './payout.store.js';
import { TransferRefused, type TransferProvider } from './transfer-provider.js';

const db = useScratchDatabase('payouts');
const silent = createLogger({ service: 'payouts-test', level: 'silent' });
const CENTRE = 'a'.repeat(24);
const OTHER = 'b'.repeat(24);

/** A provider that honours idempotency keys as Stripe does: the same payout id returns the same transfer. */
class FakeTransfers implements TransferProvider {
  readonly transfers = new Map<string, { id: string; amountMinor: number; centreId: string }>();
  calls = 0;
  failNext: 'network' | 'refused' | null = null;
  async transfer(input: { payoutId: string; centreId: string; amountMinor: number; currency: string }) {
    this.calls++;
    await new Promise((r) => setTimeout(r, 5));
    if (this.failNext === 'network') {
      this.failNext = null;
      throw new Error('socket hang up');
    }
    if (this.failNext === 'refused') {
      this.failNext = null;
      throw new TransferRefused('account_invalid');
    }
    const existing = this.transfers.get(input.payoutId);
    if (existing) return existing;
    const t = { id: `tr_${this.transfers.size + 1}`, amountMinor: input.amountMinor, centreId: input.centreId };
    this.transfers.set(input.payoutId, t);
    return t;
  }
  paidTo(centreId: string) {
    return [...this.transfers.values()].filter((t) => t.centreId === centreId).reduce((s, t) => s + t.amountMinor, 0);
  }
}

const facts = (centreId: string, amountMinor: number, currency = 'EUR'): PaymentFacts => ({
  paymentId: new ObjectId().toHexString(),
  centreId,
  customerId: 'c'.repeat(24),
  subjectKind: 'ORDER',
  subjectId: 'd'.repeat(24),
  amountMinor,
  feeMinor: Math.round(amountMinor / 10),
  currency,
});
const meta = (at = new Date()) => ({ postedAt: at, recordedAt: at, source: 'request' });

let ledger: LedgerStore;
let payouts: PayoutStore;
let provider: FakeTransfers;
const service = (database = db(), payoutHoldMs?: number) =>
  new PayoutService({
    payouts: new PayoutStore(database),
    reader: new LedgerReader(new LedgerStore(database).entries, payoutHoldMs ? { payoutHoldMs } : {}),
    ledger: new LedgerStore(database),
    provider,
    logger: silent,
  });

beforeEach(async () => {
  for (const c of ['journal_entries', 'payouts']) await db().collection(c).deleteMany({});
  ledger = new LedgerStore(db());
  payouts = new PayoutStore(db());
  await Promise.all([ledger.init(), payouts.init()]);
  provider = new FakeTransfers();
});

describe('payouts', () => {
  it('pay each centre its balance per currency once, with balanced entries, and pay nothing on the next run', async () => {
    await ledger.record(paymentEntry(facts(CENTRE, 10_000), meta()));
    await ledger.record(paymentEntry(facts(CENTRE, 5_000, 'GBP'), meta()));
    const refunded = facts(OTHER, 2_000);
    await ledger.record(paymentEntry(refunded, meta()));
    await ledger.record(
      refundEntry(refunded, { providerRefundId: 're_1', amountMinor: 2_000, refundedBefore: 0 }, meta()),
    );

    const run = await service().run();
    expect(run.payouts.map((p) => [p.centreId, p.currency, p.amountMinor, p.status])).toEqual([
      [CENTRE, 'EUR', 9_000, 'PAID'],
      [CENTRE, 'GBP', 4_500, 'PAID'],
    ]);
    const reader = new LedgerReader(ledger.entries);
    expect(await reader.centreBalances(CENTRE)).toEqual([
      { currency: 'EUR', balanceMinor: 0, earnedMinor: 9_000, paidOutMinor: 9_000, availableMinor: 0, pendingMinor: 0 },
      { currency: 'GBP', balanceMinor: 0, earnedMinor: 4_500, paidOutMinor: 4_500, availableMinor: 0, pendingMinor: 0 },
    ]);
    expect((await ledger.totals()).byCurrency).toEqual({ EUR: 0, GBP: 0 });
    expect((await service().run()).payouts).toEqual([]);
    expect(provider.transfers.size).toBe(2);
  });

  it('never pay twice when two instances run at once, again and again, while payments keep arriving', async () => {
    const client = await MongoClient.connect(process.env.MONGODB_URI!);
    try {
      const other = client.db(db().databaseName);
      let earned = 0;
      for (let round = 0; round < 5; round++) {
        const amount = 1_000 * (round + 1);
        await ledger.record(paymentEntry({ ...facts(CENTRE, amount), feeMinor: 0 }, meta()));
        earned += amount;
        // Runs start staggered, so some read the balance while another's payout is in flight or just done.
        const later = (ms: number, run: () => Promise<unknown>) => new Promise((r) => setTimeout(r, ms)).then(run);
        await Promise.all(
          [0, 4, 8, 12, 16, 20, 24, 28].map((ms, i) => later(ms, () => service(i % 2 ? other : db()).run())),
        );
      }
      expect(provider.paidTo(CENTRE)).toBe(earned);
      const docs = await payouts.payouts.find({}).sort({ seq: 1 }).toArray();
      expect(docs.map((d) => d.seq)).toEqual(docs.map((_, i) => i + 1));
      expect(docs.every((d) => d.status === 'PAID')).toBe(true);
      const entries = await ledger.entries.find({ kind: 'PAYOUT' }).toArray();
      expect(entries).toHaveLength(docs.length);
      expect((await new LedgerReader(ledger.entries).centreBalances(CENTRE))[0].balanceMinor).toBe(0);
    } finally {
      await client.close();
    }
  });

  it('a transfer whose answer was lost stays PENDING and the next run finishes it with the same key, paying once', async () => {
    await ledger.record(paymentEntry({ ...facts(CENTRE, 7_000), feeMinor: 700 }, meta()));
    provider.failNext = 'network';
    const first = await service().run();
    expect(first.payouts.map((p) => p.status)).toEqual(['PENDING']);
    expect(await ledger.entries.countDocuments({ kind: 'PAYOUT' })).toBe(0);
    // More money arrives before the retry: the pending payout is finished as it was, then the rest is paid.
    await ledger.record(paymentEntry({ ...facts(CENTRE, 1_000), feeMinor: 0 }, meta()));
    const second = await service().run();
    expect(second.payouts.map((p) => [p.seq, p.amountMinor, p.status])).toEqual([
      [1, 6_300, 'PAID'],
      [2, 1_000, 'PAID'],
    ]);
    expect(provider.paidTo(CENTRE)).toBe(7_300);
  });

  it('a refused transfer is FAILED, moves nothing, and the balance stays owed for the next run', async () => {
    await ledger.record(paymentEntry({ ...facts(CENTRE, 3_000), feeMinor: 0 }, meta()));
    provider.failNext = 'refused';
    const run = await service().run();
    expect(run.payouts.map((p) => [p.status, p.failureCode])).toEqual([['FAILED', 'account_invalid']]);
    expect(await ledger.entries.countDocuments({ kind: 'PAYOUT' })).toBe(0);
    expect((await new LedgerReader(ledger.entries).centreBalances(CENTRE))[0].balanceMinor).toBe(3_000);
    expect((await service().run()).payouts.map((p) => [p.seq, p.status])).toEqual([[2, 'PAID']]);
  });

  it('a negative balance (a refund after a payout) pays nothing', async () => {
    const p = { ...facts(CENTRE, 4_000), feeMinor: 0 };
    await ledger.record(paymentEntry(p, meta()));
    await service().run();
    await ledger.record(refundEntry(p, { providerRefundId: 're_2', amountMinor: 4_000, refundedBefore: 0 }, meta()));
    expect((await service().run()).payouts).toEqual([]);
    const [eur] = await new LedgerReader(ledger.entries).centreBalances(CENTRE);
    expect(eur.balanceMinor).toBe(-4_000);
    const lines = (await ledger.entries.find({ centreId: CENTRE }).toArray()).flatMap((e) => e.lines);
    expect(lines.filter((l) => l.account === partnerAccount(CENTRE)).reduce((s, l) => s + l.amountMinor, 0)).toBe(
      4_000,
    );
  });

  it('with a payout hold, pays only money older than the hold; a refund inside the hold never drives the paid-out balance negative', async () => {
    const HOLD_MS = 2 * 86_400_000;
    const old = { ...facts(CENTRE, 6_000), feeMinor: 600 };
    await ledger.record(paymentEntry(old, meta(new Date(Date.now() - HOLD_MS - 60_000))));
    const fresh = { ...facts(CENTRE, 4_000), feeMinor: 400 };
    await ledger.record(paymentEntry(fresh, meta()));
    const held = new LedgerReader(ledger.entries, { payoutHoldMs: HOLD_MS });
    expect(await held.centreBalances(CENTRE)).toEqual([
      {
        currency: 'EUR',
        balanceMinor: 9_000,
        earnedMinor: 9_000,
        paidOutMinor: 0,
        availableMinor: 5_400,
        pendingMinor: 3_600,
      },
    ]);

    const run = await service(db(), HOLD_MS).run();
    expect(run.payouts.map((p) => [p.amountMinor, p.status])).toEqual([[5_400, 'PAID']]);
    expect(provider.paidTo(CENTRE)).toBe(5_400);
    // The fresh payment is refunded in full inside the hold: it takes back only its own money.
    await ledger.record(
      refundEntry(fresh, { providerRefundId: 're_3', amountMinor: 4_000, refundedBefore: 0 }, meta()),
    );
    const [eur] = await held.centreBalances(CENTRE);
    expect(eur).toMatchObject({ balanceMinor: 0, paidOutMinor: 5_400, availableMinor: 0, pendingMinor: 0 });
    expect((await service(db(), HOLD_MS).run()).payouts).toEqual([]);
    expect((await ledger.totals()).byCurrency).toEqual({ EUR: 0 });

    // Without the hold the same story overpays: the refund leaves the centre owing.
    for (const c of ['journal_entries', 'payouts']) await db().collection(c).deleteMany({});
    await ledger.record(paymentEntry(old, meta(new Date(Date.now() - HOLD_MS - 60_000))));
    await ledger.record(paymentEntry(fresh, meta()));
    await service().run();
    await ledger.record(
      refundEntry(fresh, { providerRefundId: 're_4', amountMinor: 4_000, refundedBefore: 0 }, meta()),
    );
    expect((await new LedgerReader(ledger.entries).centreBalances(CENTRE))[0].balanceMinor).toBe(-3_600);
  });

  it('a refund inside the hold of money the centre has not yet been paid is pending, not available, and a partial one leaves the rest pending', async () => {
    const HOLD_MS = 86_400_000;
    const fresh = { ...facts(CENTRE, 5_000), feeMinor: 0 };
    await ledger.record(paymentEntry(fresh, meta()));
    expect((await service(db(), HOLD_MS).run()).payouts).toEqual([]);
    await ledger.record(
      refundEntry(fresh, { providerRefundId: 're_5', amountMinor: 2_000, refundedBefore: 0 }, meta()),
    );
    const [eur] = await new LedgerReader(ledger.entries, { payoutHoldMs: HOLD_MS }).centreBalances(CENTRE);
    expect(eur).toMatchObject({ balanceMinor: 3_000, availableMinor: 0, pendingMinor: 3_000 });
    expect(provider.calls).toBe(0);
  });

  it('the scheduled job pays on its interval, and stops when told', async () => {
    await ledger.record(paymentEntry({ ...facts(CENTRE, 2_000), feeMinor: 0 }, meta()));
    const job = startPayoutJob(service(), 20, silent);
    try {
      await waitFor(
        async () => (await payouts.payouts.countDocuments({ status: 'PAID' })) === 1,
        'the scheduled payout',
      );
    } finally {
      await job.stop();
    }
    await ledger.record(paymentEntry({ ...facts(CENTRE, 500), feeMinor: 0 }, meta()));
    await new Promise((r) => setTimeout(r, 100));
    expect(await payouts.payouts.countDocuments({})).toBe(1);
    expect(provider.paidTo(CENTRE)).toBe(2_000);
  });
});
