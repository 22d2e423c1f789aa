import PDFDocument from 'pdfkit';
import type { InvoiceDocument } from './invoice.document.js';

/** Currencies without minor units (ISO 4217 exponent 0) among those Stripe serves. */
const ZERO_DECIMAL = new Set(['JPY', 'KRW', 'VND', 'CLP', 'ISK']);

/** Minor units as a decimal amount with its currency: 12345 EUR -> "123.45 EUR" (exponent 2; JPY-like currencies 0). */
export function formatMoney(amountMinor: number, currency: string): string {
  const exponent = ZERO_DECIMAL.has(currency) ? 0 : 2;
  const sign = amountMinor < 0 ? '-' : '';
  const abs = Math.abs(amountMinor);
  if (exponent === 0) return `${sign}${abs} ${currency}`;
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')} ${currency}`;
}

const percent = (bps: number) => `${(bps / 100).toFixed(bps % 100 === 0 ? 0 : 2)} %`;

/**
 * The invoice or credit note as a PDF (pdfkit, its built-in Helvetica: no font files, no
 * network). It shows the number and date, both parties, every line with its net, VAT and gross,
 * and the totals; a credit note says which invoice it credits.
 */
export function renderInvoicePdf(invoice: InvoiceDocument, credited?: { display: string } | null): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: invoice.number?.display ?? 'Invoice' } });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const money = (minor: number) => formatMoney(minor, invoice.currency);
  const title = invoice.kind === 'CREDIT_NOTE' ? 'Credit note' : 'Invoice';

  doc.fontSize(20).text(`${title} ${invoice.number?.display ?? '(draft)'}`);
  doc.fontSize(10).text(`Date: ${(invoice.issuedAt ?? invoice.createdAt).toISOString().slice(0, 10)}`);
  if (credited) doc.text(`Credits invoice ${credited.display}`);
  doc.text(`For: ${invoice.description}`);
  doc.moveDown();

  const top = doc.y;
  doc.fontSize(11).text('From', 50, top, { underline: true });
  doc.fontSize(10).text(invoice.issuer.name, 50);
  if (invoice.issuer.address) doc.text(invoice.issuer.address, 50, undefined, { width: 220 });
  doc.text(`Reference: ${invoice.issuer.id}`, 50);
  const leftEnd = doc.y;
  doc.fontSize(11).text('To', 320, top, { underline: true });
  doc.fontSize(10).text(invoice.customer.name, 320);
  if (invoice.customer.address) doc.text(invoice.customer.address, 320, undefined, { width: 220 });
  doc.text(`Customer: ${invoice.customer.id}`, 320);
  doc.y = Math.max(leftEnd, doc.y);
  doc.moveDown(2);

  const cols = [50, 250, 290, 365, 440, 505];
  const row = (cells: string[], bold = false) => {
    const y = doc.y;
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica');
    cells.forEach((cell, i) =>
      doc.text(cell, cols[i], y, { width: (cols[i + 1] ?? 560) - cols[i] - 4, lineBreak: i === 0 }),
    );
    doc.x = 50;
    doc.moveDown(0.5);
  };
  row(['Description', 'Qty', 'Unit', 'Net', 'VAT', 'Gross'], true);
  for (const line of invoice.lines) {
    row([
      line.description,
      String(line.quantity),
      money(line.unitAmountMinor),
      money(line.netMinor),
      money(line.vatMinor),
      money(line.grossMinor),
    ]);
  }
  doc.moveDown();
  doc.font('Helvetica');
  doc.text(`Net total: ${money(invoice.netMinor)}`, 50);
  doc.text(`VAT (${percent(invoice.vatRateBps)}): ${money(invoice.vatMinor)}`, 50);
  doc.font('Helvetica-Bold').text(`Total: ${money(invoice.grossMinor)}`, 50);
  doc.font('Helvetica').moveDown();
  doc.fontSize(8).text(`Payment ${invoice.paymentId}; amounts include VAT, VAT computed per line.`, 50);
  doc.end();
  return done;
}
