import { randomBytes } from 'node:crypto';
import { LedgerStore } from '../subgraphs/payments/ledger/ledger.store.js';
import { paymentEntry } from '../subgraphs/payments/ledger/journal.js';
import { stripeClient } from '../subgraphs/payments/provider/stripe-provider.js';
import { tokenWithRoles } from './agents.js';
import { adminToken, partnerWithCentre } from './bookings-setup.js';
import { errorCodes } from './client.js';
import {
  AgentGoalsDocument,
  CreatePaymentDocument,
  FinanceInvoiceDocument,
  FinanceInvoicesDocument,
  FinancePartnerBalanceDocument,
  FinancePartnerStatementDocument,
  FinanceRevenueReportDocument,
  FinanceRunPayoutsDocument,
  RefundPaymentDocument,
  RunAutonomousTickDocument,
  UpdateGoalDocument,
} from './generated/graphql.js';
import { startTestSystem, type TestSystem } from './harness.js';
import { identityClient } from '../subgraphs/identity/contract.js';
import { marketplaceClient } from '../subgraphs/marketplace/contract.js';
import { customer, paymentsDb, placeOrder, shopWithPart, startFakeStripe, waitForOrder } from './payments-setup.js';
import { pdfText } from './pdf-text.js';
import { waitFor } from './wait-for.js';

let t: TestSystem;
let stripe: Awaited<ReturnType<typeof startFakeStripe>>;
const key = (what = 'pay') => `${what}-${randomBytes(8).toString('hex')}`;
const YEAR = new Date().getUTCFullYear();

beforeAll(async () => {
  stripe = await startFakeStripe();
  // DRY_RUN: a tick measures the goals (OFF skips everything) and acts on nothing.
  t = await startTestSystem({
    ...stripe.env,
    PLATFORM_FEE_PERCENT: '10',
    VAT_RATE_PERCENT: '20',
    AGENTS_MODE: 'DRY_RUN',
    // Payouts pay at once here; test/payouts-hold.e2e.test.ts covers the hold.
    PAYOUT_HOLD_DAYS: '0',
  });
  stripe.deliverTo(t);
}, 60_000);

afterAll(async () => {
  await t?.stop();
  await stripe?.fake.close();
});

const pdf = (id: string, token?: string) =>
  fetch(`${t.baseUrl}/invoices/${id}.pdf`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
const invoicesOf = async (token: string) => {
  const r = await t.request(FinanceInvoicesDocument, { first: 20 }, { token });
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data!.invoices;
};
const counts = async () => ({
  invoices: await paymentsDb(t).collection('invoices').countDocuments({}),
  payouts: await paymentsDb(t).collection('payouts').countDocuments({}),
  entries: await paymentsDb(t).collection('journal_entries').countDocuments({}),
});

describe('invoices, balances, revenue and payouts through the gateway', () => {
  let shop: Awaited<ReturnType<typeof shopWithPart>>;
  let buyer: Awaited<ReturnType<typeof customer>>;
  let stranger: Awaited<ReturnType<typeof customer>>;
  let otherPartner: Awaited<ReturnType<typeof partnerWithCentre>>;
  let paymentId: string;
  let invoiceId: string;

  beforeAll(async () => {
    shop = await shopWithPart(t, 10, 1_999);
    buyer = await customer(t);
    stranger = await customer(t, 'stranger');
    otherPartner = await partnerWithCentre(t, `other-${randomBytes(4).toString('hex')}@example.com`);
  });

  it('a paid order gets a numbered invoice with the order`s lines, VAT and totals, for the customer and the centre only', async () => {
    const order = await placeOrder(t, buyer, shop.centreId, shop.partId, 2);
    const paid = await t.request(
      CreatePaymentDocument,
      {
        input: {
          subjectKind: 'ORDER' as never,
          subjectId: order.id,
          paymentMethodId: 'pm_card_visa',
          idempotencyKey: key(),
        },
      },
      { token: buyer.token },
    );
    expect(paid.errors).toBeUndefined();
    paymentId = paid.data!.createPayment.id;
    await waitForOrder(t, buyer, order.id, 'PAID');
    await waitFor(async () => (await invoicesOf(buyer.token)).totalCount === 1, 'the invoice');

    const [{ node: invoice }] = (await invoicesOf(buyer.token)).edges;
    invoiceId = invoice.id;
    expect(invoice).toMatchObject({
      kind: 'INVOICE',
      number: `INV-${YEAR}-000001`,
      issuer: { id: shop.centreId, address: '1 Main Street' },
      // Both parties: the centre with its address, the customer by the name on their account.
      customer: { id: buyer.userId, name: buyer.email },
      paymentId,
      currency: 'EUR',
      vatRateBps: 2_000,
      // 2 x 19.99 = 39.98 gross; 3998 / 1.2 = 3331.67 -> 3332 net, 666 VAT.
      amountMinor: 3_998,
      netMinor: 3_332,
      vatMinor: 666,
      creditsInvoiceId: null,
      pdfUrl: `/invoices/${invoice.id}.pdf`,
    });
    expect(invoice.issuer.name).toMatch(/^Garage shop-/);
    expect(invoice.lines).toEqual([
      expect.objectContaining({
        quantity: 2,
        unitAmountMinor: 1_999,
        grossMinor: 3_998,
        netMinor: 3_332,
        vatMinor: 666,
      }),
    ]);
    // The centre's members see its invoice, and the platform's invoice to the centre for its fee (10 % of 39.98).
    await waitFor(async () => (await invoicesOf(shop.partner.token)).totalCount === 2, 'the fee invoice');
    expect(
      (await invoicesOf(shop.partner.token)).edges.map((e) => [
        e.node.issuer.id,
        e.node.customer.id,
        e.node.amountMinor,
        e.node.number,
      ]),
    ).toEqual([
      ['platform', shop.centreId, 400, `INV-${YEAR}-000001`],
      [shop.centreId, buyer.userId, 3_998, `INV-${YEAR}-000001`],
    ]);
    expect((await invoicesOf(buyer.token)).totalCount).toBe(1);
    expect((await invoicesOf(await adminToken(t))).totalCount).toBeGreaterThanOrEqual(1);
    // Someone else's: nothing listed, and NOT_FOUND as for an invoice that does not exist.
    expect(await invoicesOf(stranger.token)).toMatchObject({ totalCount: 0, edges: [] });
    expect(await invoicesOf(otherPartner.partner.token)).toMatchObject({ totalCount: 0, edges: [] });
    for (const token of [stranger.token, otherPartner.partner.token]) {
      const refused = await t.request(FinanceInvoiceDocument, { id: invoice.id }, { token });
      expect(errorCodes(refused)).toEqual(['NOT_FOUND']);
      expect(refused.data?.invoice ?? null).toBeNull();
    }
    expect(errorCodes(await t.request(FinanceInvoiceDocument, { id: invoice.id }))).toEqual(['UNAUTHENTICATED']);
    expect(errorCodes(await t.request(FinanceInvoiceDocument, { id: 'nope' }, { token: buyer.token }))).toEqual([
      'NOT_FOUND',
    ]);
    expect(errorCodes(await t.request(FinanceInvoicesDocument, { first: 0 }, { token: buyer.token }))).toEqual([
      'BAD_USER_INPUT',
    ]);
  });

  it('the PDF downloads with the same credentials and rules, and its text shows the number and totals', async () => {
    for (const token of [buyer.token, shop.partner.token, await adminToken(t)]) {
      const answer = await pdf(invoiceId, token);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toBe('application/pdf');
      const text = await pdfText(Buffer.from(await answer.arrayBuffer()));
      expect(text).toContain(`Invoice INV-${YEAR}-000001`);
      expect(text).toContain('Net total: 33.32 EUR');
      expect(text).toContain('VAT (20 %): 6.66 EUR');
      expect(text).toContain('Total: 39.98 EUR');
      expect(text).toContain(buyer.email);
      expect(text).toContain('1 Main Street');
    }
    const refusals = [
      [await pdf(invoiceId), 401, 'UNAUTHENTICATED'],
      [await pdf(invoiceId, 'not-a-token'), 401, 'UNAUTHENTICATED'],
      [await pdf(invoiceId, stranger.token), 404, 'NOT_FOUND'],
      [await pdf(invoiceId, otherPartner.partner.token), 404, 'NOT_FOUND'],
      [await pdf('f'.repeat(24), buyer.token), 404, 'NOT_FOUND'],
      [await pdf('not-an-id', buyer.token), 404, 'NOT_FOUND'],
    ] as const;
    for (const [answer, status, code] of refusals) {
      expect(answer.status).toBe(status);
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
      const body = (await answer.json()) as { errors: { extensions: { code: string } }[] };
      expect(body.errors[0].extensions.code).toBe(code);
    }
  });

  it('a refund gets a credit note in its own series, crediting the invoice', async () => {
    const refunded = await t.request(
      RefundPaymentDocument,
      { input: { paymentId, amountMinor: 1_200, idempotencyKey: key('refund') } },
      { token: shop.partner.token },
    );
    expect(refunded.errors).toBeUndefined();
    await waitFor(async () => (await invoicesOf(buyer.token)).totalCount === 2, 'the credit note');
    const note = (await invoicesOf(buyer.token)).edges[0].node;
    expect(note).toMatchObject({
      kind: 'CREDIT_NOTE',
      number: `CN-${YEAR}-000001`,
      amountMinor: 1_200,
      netMinor: 1_000,
      vatMinor: 200,
      creditsInvoiceId: invoiceId,
    });
    const text = await pdfText(Buffer.from(await (await pdf(note.id, buyer.token)).arrayBuffer()));
    expect(text).toContain(`Credit note CN-${YEAR}-000001`);
    expect(text).toContain(`Credits invoice INV-${YEAR}-000001`);
  });

  it('the centre`s members see its balance and statement; others are refused and see nothing', async () => {
    // 3998 paid, fee 10 % = 400, the centre earned 3598; the refund of 1200 took 1080 back (the fee's share 120).
    const balance = await t.request(
      FinancePartnerBalanceDocument,
      { centreId: shop.centreId },
      { token: shop.partner.token },
    );
    expect(balance.data!.partnerBalance).toEqual({
      centreId: shop.centreId,
      balances: [
        {
          currency: 'EUR',
          balanceMinor: 2_518,
          earnedMinor: 2_518,
          paidOutMinor: 0,
          availableMinor: 2_518,
          pendingMinor: 0,
        },
      ],
    });
    const statement = await t.request(
      FinancePartnerStatementDocument,
      { centreId: shop.centreId, first: 1 },
      { token: shop.partner.token },
    );
    const page = statement.data!.partnerStatement;
    expect(page.totalCount).toBe(2);
    expect(page.edges.map((e) => [e.node.kind, e.node.amountMinor])).toEqual([['REFUND', -1_080]]);
    const next = await t.request(
      FinancePartnerStatementDocument,
      { centreId: shop.centreId, first: 1, after: page.pageInfo.endCursor },
      { token: shop.partner.token },
    );
    expect(next.data!.partnerStatement.edges.map((e) => [e.node.kind, e.node.amountMinor])).toEqual([
      ['PAYMENT', 3_598],
    ]);

    for (const token of [buyer.token, otherPartner.partner.token]) {
      const refused = await t.request(FinancePartnerBalanceDocument, { centreId: shop.centreId }, { token });
      expect(errorCodes(refused)).toEqual(['FORBIDDEN']);
      expect(refused.data?.partnerBalance ?? null).toBeNull();
      expect(
        errorCodes(await t.request(FinancePartnerStatementDocument, { centreId: shop.centreId }, { token })),
      ).toEqual(['FORBIDDEN']);
    }
    expect(
      errorCodes(await t.request(FinancePartnerBalanceDocument, { centreId: 'x' }, { token: shop.partner.token })),
    ).toEqual(['BAD_USER_INPUT']);
    expect(
      errorCodes(
        await t.request(
          FinancePartnerStatementDocument,
          { centreId: shop.centreId, after: 'garbage' },
          { token: shop.partner.token },
        ),
      ),
    ).toEqual(['BAD_USER_INPUT']);
  });

  it('staff see revenue by day, centre and category; others are FORBIDDEN; a bad window is BAD_USER_INPUT', async () => {
    const staff = tokenWithRoles(t, ['STAFF']);
    const from = new Date(Date.now() - 86_400_000).toISOString();
    const to = new Date(Date.now() + 86_400_000).toISOString();
    const byCentre = await t.request(
      FinanceRevenueReportDocument,
      { from, to, groupBy: 'CENTRE' as never },
      { token: staff },
    );
    expect(byCentre.data!.revenueReport.rows.find((r) => r.key === shop.centreId)).toEqual({
      key: shop.centreId,
      currency: 'EUR',
      grossMinor: 3_998,
      refundedMinor: 1_200,
      feeMinor: 280,
      partnerMinor: 2_518,
      payments: 1,
    });
    const byCategory = await t.request(
      FinanceRevenueReportDocument,
      { from, to, groupBy: 'CATEGORY' as never },
      { token: staff },
    );
    expect(byCategory.data!.revenueReport.rows.map((r) => r.key)).toContain('ORDER');
    const byDay = await t.request(
      FinanceRevenueReportDocument,
      { from, to, groupBy: 'DAY' as never },
      { token: staff },
    );
    expect(byDay.data!.revenueReport.rows[0].key).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const token of [buyer.token, shop.partner.token]) {
      expect(
        errorCodes(await t.request(FinanceRevenueReportDocument, { from, to, groupBy: 'DAY' as never }, { token })),
      ).toEqual(['FORBIDDEN']);
    }
    expect(
      errorCodes(
        await t.request(
          FinanceRevenueReportDocument,
          { from: to, to: from, groupBy: 'DAY' as never },
          { token: staff },
        ),
      ),
    ).toEqual(['BAD_USER_INPUT']);
    const long = new Date(Date.now() - 500 * 86_400_000).toISOString();
    expect(
      errorCodes(
        await t.request(FinanceRevenueReportDocument, { from: long, to, groupBy: 'DAY' as never }, { token: staff }),
      ),
    ).toEqual(['BAD_USER_INPUT']);
  });

  it('runPayouts is staff only; it pays each balance once by a provider transfer, and a second run pays nothing', async () => {
    const before = await counts();
    for (const token of [buyer.token, shop.partner.token]) {
      expect(errorCodes(await t.request(FinanceRunPayoutsDocument, {}, { token }))).toEqual(['FORBIDDEN']);
    }
    expect(errorCodes(await t.request(FinanceRunPayoutsDocument, {}))).toEqual(['UNAUTHENTICATED']);
    expect(await counts()).toEqual(before);

    const admin = await adminToken(t);
    const [first, concurrent] = await Promise.all([
      t.request(FinanceRunPayoutsDocument, {}, { token: admin }),
      t.request(FinanceRunPayoutsDocument, {}, { token: tokenWithRoles(t, ['STAFF']) }),
    ]);
    expect(first.errors).toBeUndefined();
    expect(concurrent.errors).toBeUndefined();
    const paid = [...first.data!.runPayouts.payouts, ...concurrent.data!.runPayouts.payouts].filter(
      (p) => p.centreId === shop.centreId,
    );
    expect(new Set(paid.map((p) => p.id)).size).toBe(1);
    expect(paid[0]).toMatchObject({ seq: 1, amountMinor: 2_518, currency: 'EUR', status: 'PAID' });
    const balance = await t.request(
      FinancePartnerBalanceDocument,
      { centreId: shop.centreId },
      { token: shop.partner.token },
    );
    expect(balance.data!.partnerBalance.balances).toEqual([
      { currency: 'EUR', balanceMinor: 0, earnedMinor: 2_518, paidOutMinor: 2_518, availableMinor: 0, pendingMinor: 0 },
    ]);
    const again = await t.request(FinanceRunPayoutsDocument, {}, { token: admin });
    expect(again.data!.runPayouts.payouts.filter((p) => p.centreId === shop.centreId)).toEqual([]);
    const entries = await paymentsDb(t)
      .collection('journal_entries')
      .find({ kind: 'PAYOUT', centreId: shop.centreId })
      .toArray();
    expect(entries).toHaveLength(1);
    // At the provider: one transfer to the centre, keyed by the payout.
    const sdk = stripeClient({ secretKey: 'sk_test_finance', apiUrl: stripe.url });
    const transfers = (await sdk.transfers.list({ limit: 100 })).data.filter(
      (tr) => tr.destination === `acct_${shop.centreId}`,
    );
    expect(transfers.map((tr) => [tr.amount, tr.metadata.payoutId])).toEqual([[2_518, paid[0].id]]);

    // Payments' /metrics counts what was issued and paid.
    const paymentsUrl = new URL(t.system.subgraphs.find((g) => g.name === 'payments')!.url).origin;
    const metrics = await (await fetch(`${paymentsUrl}/metrics`)).text();
    expect(metrics).toMatch(
      /payments_invoices_issued_total\{kind="INVOICE",issuer="centre",service="payments"\} [1-9]/,
    );
    expect(metrics).toMatch(
      /payments_invoices_issued_total\{kind="CREDIT_NOTE",issuer="centre",service="payments"\} [1-9]/,
    );
    expect(metrics).toMatch(
      /payments_invoices_issued_total\{kind="INVOICE",issuer="platform",service="payments"\} [1-9]/,
    );
    // Two runs at once: the payout is counted once, by the run that settled it.
    expect(metrics).toMatch(/payments_payouts_total\{status="PAID",service="payments"\} 1\n/);
  });
});

describe('the revenue goal', () => {
  it('is measured from the payments ledger and cannot be typed in (BAD_USER_INPUT, nothing stored)', async () => {
    const admin = await adminToken(t);
    const revenue = async () =>
      (await t.request(AgentGoalsDocument, {}, { token: admin })).data!.goals.find((g) => g.id === 'revenue')!;
    expect(await revenue()).toMatchObject({ source: 'PAYMENTS' });
    const refused = await t.request(
      UpdateGoalDocument,
      { input: { id: 'revenue', current: 9_000_000, reason: 'board figure' } },
      { token: admin },
    );
    expect(errorCodes(refused)).toEqual(['BAD_USER_INPUT']);
    expect((refused.errors![0].extensions as { field?: string }).field).toBe('current');
    expect(
      await t.system.deps.mongo.db('agents').collection('goal_changes').countDocuments({ goalId: 'revenue' }),
    ).toBe(0);

    // A payment in the goal's currency: the platform's fee of 12.34 USD counts as revenue.
    const now = new Date();
    await new LedgerStore(paymentsDb(t)).record(
      paymentEntry(
        {
          paymentId: 'a'.repeat(24),
          centreId: 'd'.repeat(24),
          customerId: 'c'.repeat(24),
          subjectKind: 'BOOKING',
          subjectId: 'b'.repeat(24),
          amountMinor: 12_340,
          feeMinor: 1_234,
          currency: 'USD',
        },
        { postedAt: now, recordedAt: now, source: 'request' },
      ),
    );
    const ticked = await t.request(RunAutonomousTickDocument, {}, { token: admin });
    expect(ticked.errors).toBeUndefined();
    await waitFor(
      async () => Math.abs((await revenue()).current - 2_500_012.34) < 1e-6,
      'revenue measured',
      3000,
    ).catch(async (e) => {
      throw new Error(`${(e as Error).message}: ${JSON.stringify(await revenue())}`);
    });
  });
});

describe('the parties` owners', () => {
  const urlOf = (name: string) => t.system.subgraphs.find((g) => g.name === name)!.url;

  it('identity answers accounts` names only (no email, no roles), leaves unknown ids out, and refuses calls without the secret', async () => {
    const someone = await customer(t, 'named');
    const names = identityClient({ url: urlOf('identity'), internalSecret: t.config.INTERNAL_SECRET });
    expect(await names.accountNames([someone.userId, 'f'.repeat(24), 'not-an-id'])).toEqual({
      accounts: [{ userId: someone.userId, name: someone.email }],
    });
    const stranger = identityClient({ url: urlOf('identity'), internalSecret: 'x'.repeat(40) });
    await expect(stranger.accountNames([someone.userId])).rejects.toMatchObject({ failure: 'refused', status: 403 });
  });

  it('the marketplace answers a user`s centres and centres` profiles, and refuses calls without the secret', async () => {
    const { partner, centreId } = await partnerWithCentre(t, `dir-${randomBytes(4).toString('hex')}@example.com`);
    const directory = marketplaceClient({ url: urlOf('marketplace'), internalSecret: t.config.INTERNAL_SECRET });
    expect(await directory.memberCentres(partner.userId)).toEqual({ centreIds: [centreId] });
    expect(await directory.memberCentres('f'.repeat(24))).toEqual({ centreIds: [] });
    expect(await directory.centreProfiles([centreId, 'f'.repeat(24)])).toEqual({
      centres: [
        {
          id: centreId,
          name: expect.stringMatching(/^Garage dir-/),
          address: '1 Main Street',
          memberIds: [partner.userId],
        },
      ],
    });
    const stranger = marketplaceClient({ url: urlOf('marketplace'), internalSecret: 'x'.repeat(40) });
    await expect(stranger.memberCentres(partner.userId)).rejects.toMatchObject({ failure: 'refused', status: 403 });
  });
});
