import { ObjectId } from 'mongodb';
import type { Viewer } from '../../../platform/auth/viewer.js';
import { ErrorCode } from '../../../platform/errors.js';
import { createLogger } from '../../../platform/logger.js';
import { useScratchDatabase } from '../../../test/scratch-database.js';
import type { PaymentEvent } from '../contract.js';
import { basisPoints } from '../ledger/accounts.js';
import { paymentEntry } from '../ledger/journal.js';
import { LedgerStore } from '../ledger/ledger.store.js';
import type { CentreDirectory } from './centre-directory.js';
import { CreditStore } from './credit.store.js';
import { FeeInvoices, PLATFORM_ISSUER_ID } from './fee-invoices.js';
import { InvoiceService } from './invoice.service.js';
import { InvoiceStore } from './invoice.store.js';

const db = useScratchDatabase('fee_invoices');
const silent = createLogger({ service: 'fee-invoices-test', level: 'silent' });
const CENTRE = 'a'.repeat(24);
const CUSTOMER = 'c'.repeat(24);
const PARTNER = 'e'.repeat(24);
const centres: CentreDirectory = {
  memberCentres: async (userId) => (userId === PARTNER ? [CENTRE] : []),
  profiles: async () => [{ id: CENTRE, name: 'Garage Dupont', address: '1 Rue de la Paix', memberIds: [PARTNER] }],
};
const user = (userId: string, ...roles: string[]): Viewer => ({ kind: 'user', userId, roles: roles as never });

let ledger: LedgerStore;
let fees: FeeInvoices;
let service: InvoiceService;
beforeEach(async () => {
  for (const c of ['invoices', 'invoice_counters', 'invoice_credits', 'journal_entries'])
    await db().collection(c).deleteMany({});
  const store = new InvoiceStore(db(), 1);
  await store.init();
  ledger = new LedgerStore(db());
  const credits = new CreditStore(db());
  fees = new FeeInvoices({ store, credits, ledger, centres, vatRateBps: basisPoints(20), logger: silent });
  service = new InvoiceService({
    store,
    credits,
    payables: { payable: async () => null },
    centres,
    vatRateBps: basisPoints(20),
    logger: silent,
  });
});

async function paid(amountMinor: number, feeMinor: number): Promise<PaymentEvent> {
  const event: PaymentEvent = {
    paymentId: new ObjectId().toHexString(),
    subjectKind: 'BOOKING',
    subjectId: 'd'.repeat(24),
    customerId: CUSTOMER,
    centreId: CENTRE,
    amountMinor,
    refundedMinor: 0,
    currency: 'EUR',
    at: new Date(),
    failureCode: null,
  };
  const at = new Date();
  await ledger.record(paymentEntry({ ...event, feeMinor }, { postedAt: at, recordedAt: at, source: 'request' }));
  return event;
}

describe('the platform`s fee invoices', () => {
  it('invoice the centre for the payment`s fee in the platform`s own series, once', async () => {
    const event = await paid(10_000, 1_250);
    const [a, b] = await Promise.all([fees.invoiceFor(event), fees.invoiceFor(event)]);
    expect(b!._id).toEqual(a!._id);
    expect(a).toMatchObject({
      issuerId: PLATFORM_ISSUER_ID,
      customerId: CENTRE,
      customer: { name: 'Garage Dupont', address: '1 Rue de la Paix' },
      number: { series: 'INV', seq: 1 },
      grossMinor: 1_250,
      netMinor: 1_042,
      vatMinor: 208,
    });
    // The centre's own series is untouched by the platform's.
    const own = await service.invoiceFor(event);
    expect(own.number!.seq).toBe(1);
    expect(own.issuerId).toBe(CENTRE);
  });

  it('credit the fee refunds reversed (the ledger`s pro-rata rule), step by step', async () => {
    const event = await paid(10_000, 1_000);
    await fees.creditNotesFor({ ...event, refundedMinor: 2_500 });
    await fees.creditNotesFor({ ...event, refundedMinor: 2_500 });
    await fees.creditNotesFor({ ...event, refundedMinor: 10_000 });
    const notes = await db()
      .collection('invoices')
      .find({ issuerId: PLATFORM_ISSUER_ID, kind: 'CREDIT_NOTE' })
      .sort({ 'number.seq': 1 })
      .toArray();
    expect(notes.map((n) => [n.number.display.slice(0, 2), n.grossMinor])).toEqual([
      ['CN', 250],
      ['CN', 750],
    ]);
  });

  it('wait for the payment`s journal entry, and skip a payment with no fee', async () => {
    const orphan = { ...(await paid(1_000, 0)), paymentId: new ObjectId().toHexString() };
    await expect(fees.invoiceFor(orphan)).rejects.toThrow(/no journal entry yet/);
    expect(await db().collection('invoices').countDocuments({})).toBe(0);
    expect(await fees.invoiceFor(await paid(1_000, 0))).toBeNull();
  });

  it('are read by the centre`s members and staff, not by the customer of the payment', async () => {
    const event = await paid(10_000, 1_000);
    const fee = (await fees.invoiceFor(event))!;
    const id = fee._id.toHexString();
    expect((await service.get(user(PARTNER, 'PARTNER'), id)).issuerId).toBe(PLATFORM_ISSUER_ID);
    expect((await service.get(user('f'.repeat(24), 'STAFF'), id)).issuerId).toBe(PLATFORM_ISSUER_ID);
    await expect(service.get(user(CUSTOMER, 'CUSTOMER'), id)).rejects.toMatchObject({
      extensions: { code: ErrorCode.NOT_FOUND },
    });
    const partnerPage = await service.page(await service.scopeOf(user(PARTNER, 'PARTNER')), {});
    expect(partnerPage.edges.map((e) => e.node._id.toHexString())).toEqual([id]);
    expect((await service.page(await service.scopeOf(user(CUSTOMER, 'CUSTOMER')), {})).edges).toEqual([]);
  });
});
