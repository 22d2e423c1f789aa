import { ObjectId } from 'mongodb';
import { PAYMENT_SUCCEEDED, type PaymentEvent } from '../subgraphs/payments/contract.js';
import { paymentEntry } from '../subgraphs/payments/ledger/journal.js';
import { LedgerStore } from '../subgraphs/payments/ledger/ledger.store.js';
import { tokenWithRoles } from './agents.js';
import { FinanceInvoicesDocument } from './generated/graphql.js';
import { startTwoDeployments, type TwoDeployments } from './two-deployments.js';
import { waitFor } from './wait-for.js';

let two: TwoDeployments;

beforeAll(async () => {
  two = await startTwoDeployments();
}, 120_000);

afterAll(async () => {
  await two?.stop();
});

describe('invoicing on two instances', () => {
  it('numbers every paid payment once, gapless per issuer (each centre, the platform), while both instances invoice at once and events arrive twice', async () => {
    const centres = [new ObjectId().toHexString(), new ObjectId().toHexString()];
    const events: PaymentEvent[] = Array.from({ length: 30 }, (_, i) => ({
      paymentId: new ObjectId().toHexString(),
      subjectKind: 'ORDER',
      subjectId: new ObjectId().toHexString(),
      customerId: new ObjectId().toHexString(),
      centreId: centres[i % 3 === 0 ? 1 : 0],
      amountMinor: 1_000 + i,
      refundedMinor: 0,
      currency: 'EUR',
      at: new Date(),
      failureCode: null,
    }));
    // Each payment's journal entry (its fee: the platform's invoice to the centre), then its event,
    // appended through both deployments' buses: a redelivery, on another instance.
    const ledger = new LedgerStore(two.a.system.deps.mongo.db('payments'));
    for (const e of events) {
      await ledger.record(
        paymentEntry({ ...e, feeMinor: 100 }, { postedAt: e.at, recordedAt: e.at, source: 'request' }),
      );
    }
    await Promise.all(
      events.flatMap((e) => [
        two.a.system.deps.bus.append(PAYMENT_SUCCEEDED, e),
        two.b.system.deps.bus.append(PAYMENT_SUCCEEDED, e),
      ]),
    );
    const invoices = two.a.system.deps.mongo.db('payments').collection('invoices');
    await waitFor(
      async () => (await invoices.countDocuments({ number: { $ne: null } })) === 60,
      'sixty invoices',
      30_000,
    );
    await new Promise((r) => setTimeout(r, 300));

    const all = await invoices.find({}).toArray();
    expect(all).toHaveLength(60);
    for (const centre of [...centres, 'platform']) {
      const seqs = all
        .filter((d) => d.issuerId === centre)
        .map((d) => d.number.seq as number)
        .sort((x, y) => x - y);
      expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    }
    expect(new Set(all.map((d) => d.source)).size).toBe(60);
    expect(all.filter((d) => d.issuerId === 'platform')).toHaveLength(30);

    // Both gateways serve the same invoices.
    const staff = tokenWithRoles(two.a, ['STAFF']);
    for (const t of [two.a, two.b]) {
      const listed = await t.request(FinanceInvoicesDocument, { first: 100 }, { token: staff });
      expect(listed.errors).toBeUndefined();
      expect(listed.data!.invoices.totalCount).toBe(60);
    }
  });
});
