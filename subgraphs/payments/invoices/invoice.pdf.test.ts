import { ObjectId } from 'mongodb';
import { pdfText } from '../../../test/pdf-text.js';
import { basisPoints } from '../ledger/accounts.js';
import { invoiceLines, totalsOf } from './invoice-math.js';
import type { InvoiceDocument } from './invoice.document.js';
import { formatMoney, renderInvoicePdf } from './invoice.pdf.js';

const lines = invoiceLines(
  3_001,
  'Order',
  [
    { description: 'Oil filter', quantity: 3, unitAmountMinor: 333 },
    { description: 'Engine oil 5W30', quantity: 2, unitAmountMinor: 1_001 },
  ],
  basisPoints(20),
);
const invoice: InvoiceDocument = {
  _id: new ObjectId(),
  source: 'payment:p1',
  kind: 'INVOICE',
  issuer: { id: 'a'.repeat(24), name: 'Garage Dupont', address: '1 Rue de la Paix, Paris' },
  customer: { id: 'c'.repeat(24), name: 'Ada Lovelace', address: null },
  issuerId: 'a'.repeat(24),
  customerId: 'c'.repeat(24),
  paymentId: 'p1',
  subjectKind: 'ORDER',
  subjectId: 'd'.repeat(24),
  description: 'Parts order',
  currency: 'EUR',
  vatRateBps: 2_000,
  lines,
  ...totalsOf(lines),
  creditsInvoiceId: null,
  number: { series: 'INV', year: 2026, seq: 42, display: 'INV-2026-000042' },
  numberKey: 'x',
  issuedAt: new Date('2026-06-01T10:00:00Z'),
  createdAt: new Date('2026-06-01T10:00:00Z'),
};

describe('the invoice PDF', () => {
  it('opens, and its text shows the number, both parties, the lines and the totals', async () => {
    const pdf = await renderInvoicePdf(invoice);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = await pdfText(pdf);
    for (const expected of [
      'Invoice INV-2026-000042',
      '2026-06-01',
      'Garage Dupont',
      'Ada Lovelace',
      'Oil filter',
      'Engine oil 5W30',
      'Net total: 25.01 EUR',
      'VAT (20 %): 5.00 EUR',
      'Total: 30.01 EUR',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it('names a credit note and the invoice it credits', async () => {
    const text = await pdfText(
      await renderInvoicePdf(
        { ...invoice, kind: 'CREDIT_NOTE', number: { series: 'CN', year: 2026, seq: 1, display: 'CN-2026-000001' } },
        { display: 'INV-2026-000042' },
      ),
    );
    expect(text).toContain('Credit note CN-2026-000001');
    expect(text).toContain('Credits invoice INV-2026-000042');
  });

  it('formats minor units by the currency`s exponent', () => {
    expect(formatMoney(5, 'EUR')).toBe('0.05 EUR');
    expect(formatMoney(123_456, 'USD')).toBe('1234.56 USD');
    expect(formatMoney(500, 'JPY')).toBe('500 JPY');
  });
});
