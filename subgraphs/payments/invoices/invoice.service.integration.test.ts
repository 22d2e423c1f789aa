import { MongoClient, ObjectId } from 'mongodb';
import type { Viewer } from '../../../platform/auth/viewer.js';
import { ErrorCode } from '../../../platform/errors.js';
import { InMemoryBroker } from '../../../platform/events/in-memory-broker.js';
import { InProcessEventBus } from '../../../platform/events/in-process.js';
import { createLogger } from '../../../platform/logger.js';
import { pdfText } from '../../../test/pdf-text.js';
import { itServesEveryQueryFromAnIndex, recordQueries } from '../../../test/indexed-queries.js';
import { useScratchDatabase } from '../../../test/scratch-database.js';
import { waitFor } from '../../../test/wait-for.js';
import { PAYMENT_REFUNDED, PAYMENT_SUCCEEDED, type PaymentEvent } from '../contract.js';
import { basisPoints } from '../ledger/accounts.js';
import type { Payable, Payables } from '../payables/payables.js';
import type { CentreDirectory } from './centre-directory.js';
import { CreditStore } from './credit.store.js';
import { InvoiceEvents } from './invoice-events.js';
import { InvoiceService } from './invoice.service.js';
import { INVOICE_INDEXES, InvoiceStore } from './invoice.store.js';

const db = useScratchDatabase('invoices', { monitorCommands: true });
const recorder = recordQueries(db);
/** The test's own reads and clean-ups, on a client that is not watched: only the stores' queries are checked. */
let plainClient: MongoClient | undefined;
const plain = () => plainClient!.db(db().databaseName);
beforeAll(async () => {
  plainClient = await MongoClient.connect(process.env.MONGODB_URI!);
});
afterAll(async () => plainClient?.close());
const silent = createLogger({ service: 'invoices-test', level: 'silent' });
const CENTRE = 'a'.repeat(24);
const OTHER_CENTRE = 'b'.repeat(24);
const CUSTOMER = 'c'.repeat(24);
const PARTNER = 'e'.repeat(24);

const payables: Payables = {
  async payable(kind, id): Promise<Payable> {
    return {
      kind,
      id,
      customerId: CUSTOMER,
      centreId: CENTRE,
      centreMemberIds: [PARTNER],
      status: 'PENDING_PAYMENT',
      payable: true,
      amountMinor: 3_001,
      currency: 'EUR',
      description: 'Parts order',
      lines: [
        { description: 'Oil filter', quantity: 3, unitAmountMinor: 333 },
        { description: 'Engine oil 5W30', quantity: 2, unitAmountMinor: 1_001 },
      ],
    };
  },
};
const centres: CentreDirectory = {
  memberCentres: async (userId) => (userId === PARTNER ? [CENTRE] : []),
  profiles: async (ids) =>
    ids
      .filter((id) => id === CENTRE)
      .map((id) => ({ id, name: 'Garage Dupont', address: '1 Rue de la Paix', memberIds: [PARTNER] })),
};

const event = (overrides: Partial<PaymentEvent> = {}): PaymentEvent => ({
  paymentId: new ObjectId().toHexString(),
  subjectKind: 'ORDER',
  subjectId: 'd'.repeat(24),
  customerId: CUSTOMER,
  centreId: CENTRE,
  amountMinor: 3_001,
  refundedMinor: 0,
  currency: 'EUR',
  at: new Date(),
  failureCode: null,
  ...overrides,
});
const user = (userId: string, ...roles: string[]): Viewer => ({ kind: 'user', userId, roles: roles as never });

let service: InvoiceService;
beforeEach(async () => {
  for (const c of ['invoices', 'invoice_counters', 'invoice_credits']) await plain().collection(c).deleteMany({});
  const store = new InvoiceStore(db(), 1);
  await store.init();
  service = new InvoiceService({
    store,
    credits: new CreditStore(db()),
    payables,
    centres,
    vatRateBps: basisPoints(20),
    logger: silent,
  });
});

describe('invoices from payments', () => {
  it('a succeeded payment delivered twice, to two consumers, is one numbered invoice with the payable`s lines', async () => {
    const bus = new InProcessEventBus(silent, { broker: new InMemoryBroker({}) });
    const consumers = [new InvoiceEvents(bus, service, silent), new InvoiceEvents(bus, service, silent)];
    try {
      await Promise.all(consumers.map((c) => c.start()));
      const paid = event();
      await bus.append(PAYMENT_SUCCEEDED, paid);
      await bus.append(PAYMENT_SUCCEEDED, paid);
      await waitFor(
        async () =>
          (await plain()
            .collection('invoices')
            .countDocuments({ number: { $ne: null } })) === 1,
        'the invoice',
      );
      await new Promise((r) => setTimeout(r, 200));
      const all = await plain().collection('invoices').find({}).toArray();
      expect(all).toHaveLength(1);
      expect(all[0]).toMatchObject({
        kind: 'INVOICE',
        number: { display: `INV-${new Date().getUTCFullYear()}-000001` },
        issuer: { name: 'Garage Dupont' },
        grossMinor: 3_001,
        netMinor: 2_501,
        vatMinor: 500,
      });
      expect(all[0].lines.map((l: { description: string }) => l.description)).toEqual([
        'Oil filter',
        'Engine oil 5W30',
      ]);
      // A part refund, then the rest, each delivered twice: two credit notes, covering the payment once.
      await bus.append(PAYMENT_REFUNDED, { ...paid, refundedMinor: 1_200 });
      await bus.append(PAYMENT_REFUNDED, { ...paid, refundedMinor: 1_200 });
      await bus.append(PAYMENT_REFUNDED, { ...paid, refundedMinor: 3_001 });
      await bus.append(PAYMENT_REFUNDED, { ...paid, refundedMinor: 1_200 });
      await waitFor(
        async () =>
          (await plain()
            .collection('invoices')
            .countDocuments({ kind: 'CREDIT_NOTE', number: { $ne: null } })) === 2,
        'the credit notes',
      );
      await new Promise((r) => setTimeout(r, 200));
      const notes = await plain()
        .collection('invoices')
        .find({ kind: 'CREDIT_NOTE' })
        .sort({ 'number.seq': 1 })
        .toArray();
      expect(notes.map((n) => [n.number.display.slice(0, 2), n.grossMinor, n.vatMinor])).toEqual([
        ['CN', 1_200, 200],
        ['CN', 1_801, 300],
      ]);
      expect(notes.every((n) => n.creditsInvoiceId.equals(all[0]._id))).toBe(true);
    } finally {
      await Promise.all(consumers.map((c) => c.stop()));
      await bus.close();
    }
  });

  it('refunds arriving out of order credit the largest total once', async () => {
    const paid = event();
    await service.creditNotesFor({ ...paid, refundedMinor: 3_001 });
    await service.creditNotesFor({ ...paid, refundedMinor: 1_000 });
    const notes = await plain().collection('invoices').find({ kind: 'CREDIT_NOTE' }).toArray();
    expect(notes.map((n) => n.grossMinor)).toEqual([3_001]);
    expect(notes[0].vatMinor).toBe(500);
  });

  it('a deposit (the amount is not the payable`s total) is invoiced as one line of the amount', async () => {
    const invoice = await service.invoiceFor(event({ amountMinor: 1_000, subjectKind: 'BOOKING' }));
    expect(invoice.lines).toEqual([
      expect.objectContaining({ description: 'Parts order', quantity: 1, grossMinor: 1_000 }),
    ]);
  });
});

describe('who reads an invoice', () => {
  it('the customer, the centre`s members and staff; anybody else gets NOT_FOUND and no PDF', async () => {
    const invoice = await service.invoiceFor(event());
    const id = invoice._id.toHexString();
    for (const reader of [user(CUSTOMER, 'CUSTOMER'), user(PARTNER, 'PARTNER'), user('f'.repeat(24), 'STAFF')]) {
      expect((await service.get(reader, id)).number).toEqual(invoice.number);
    }
    const stranger = user('9'.repeat(24), 'CUSTOMER');
    const otherPartner = user('8'.repeat(24), 'PARTNER');
    for (const reader of [stranger, otherPartner]) {
      await expect(service.get(reader, id)).rejects.toMatchObject({ extensions: { code: ErrorCode.NOT_FOUND } });
      await expect(service.pdf(reader, id)).rejects.toMatchObject({ extensions: { code: ErrorCode.NOT_FOUND } });
      expect((await service.page(await service.scopeOf(reader), {})).edges).toEqual([]);
    }
    await expect(service.get(user(CUSTOMER, 'CUSTOMER'), 'not-an-id')).rejects.toMatchObject({
      extensions: { code: ErrorCode.NOT_FOUND },
    });
    await expect(service.get({ kind: 'device', vehicleId: 'v', deviceId: 'd' } as never, id)).rejects.toMatchObject({
      extensions: { code: ErrorCode.FORBIDDEN },
    });
    const { pdf } = await service.pdf(user(PARTNER, 'PARTNER'), id);
    const text = await pdfText(pdf);
    expect(text).toContain(invoice.number!.display);
    expect(text).toContain('Total: 30.01 EUR');
  });

  it('lists the reader`s own, newest first, paged', async () => {
    await service.invoiceFor(event());
    await service.invoiceFor(event({ centreId: OTHER_CENTRE }));
    await service.invoiceFor(event({ customerId: '7'.repeat(24) }));
    const mine = await service.page(await service.scopeOf(user(CUSTOMER, 'CUSTOMER')), { first: 1 });
    expect(mine.edges).toHaveLength(1);
    expect(mine.pageInfo.hasNextPage).toBe(true);
    expect(await mine.totalCount).toBe(2);
    const partner = await service.page(await service.scopeOf(user(PARTNER, 'PARTNER')), {});
    expect(partner.edges.map((e) => e.node.issuerId)).toEqual([CENTRE, CENTRE]);
    expect(await (await service.page(await service.scopeOf(user('f'.repeat(24), 'ADMIN')), {})).totalCount).toBe(3);
  });
});

itServesEveryQueryFromAnIndex(recorder, () => ({ [InvoiceStore.collection]: INVOICE_INDEXES }));
