/**
 * Invoice arithmetic, in integer minor units only.
 *
 * Prices in Clutch are what the customer pays (VAT included), and an invoice must add up to
 * exactly the amount charged. So VAT is extracted from each line's gross amount, never added:
 *
 *   line gross = quantity x unit amount                      (exact integers)
 *   line net   = round_half_up(gross x 100 / (100 + rate))   (the one rounding step)
 *   line VAT   = gross - net                                 (the remainder, never rounded)
 *   totals     = the sums of the lines' gross, net and VAT   (exact integers)
 *
 * Rounding happens once per line, half away from zero on the net, so every line's net + VAT is
 * its gross and the invoice's gross total is the sum charged, to the minor unit. The rate is
 * held in basis points (hundredths of a percent: VAT_RATE_PERCENT=7.7 is 770, through the
 * ledger's `basisPoints`) so a decimal rate never goes through floating point; the division is
 * the ledger's exact `mulDivHalfUp`, the same rounding the platform fee uses.
 */
import { mulDivHalfUp } from '../ledger/accounts.js';

export interface InvoiceLineInput {
  description: string;
  quantity: number;
  unitAmountMinor: number;
}

export interface InvoiceLine extends InvoiceLineInput {
  grossMinor: number;
  netMinor: number;
  vatMinor: number;
}

export interface InvoiceTotals {
  grossMinor: number;
  netMinor: number;
  vatMinor: number;
}

/** The largest amount an invoice may hold: far beyond any real charge, far below 2^53 / 10^4. */
export const MAX_INVOICE_MINOR = 100_000_000_000;

/** The VAT inside a gross amount at `rateBp`, by the rule above. */
export function splitGross(grossMinor: number, rateBp: number): { netMinor: number; vatMinor: number } {
  if (!Number.isSafeInteger(grossMinor) || grossMinor < 0) throw new RangeError('gross must be a whole amount >= 0');
  const netMinor = mulDivHalfUp(grossMinor, 10_000, 10_000 + rateBp);
  return { netMinor, vatMinor: grossMinor - netMinor };
}

export function priceLine(line: InvoiceLineInput, rateBp: number): InvoiceLine {
  if (!Number.isSafeInteger(line.quantity) || line.quantity < 1)
    throw new RangeError('quantity must be a whole number >= 1');
  if (!Number.isSafeInteger(line.unitAmountMinor) || line.unitAmountMinor < 0) {
    throw new RangeError('unit amount must be a whole amount >= 0');
  }
  const grossMinor = line.quantity * line.unitAmountMinor;
  if (grossMinor > MAX_INVOICE_MINOR) throw new RangeError('line amount too large');
  return { ...line, grossMinor, ...splitGross(grossMinor, rateBp) };
}

export function totalsOf(lines: readonly InvoiceLine[]): InvoiceTotals {
  return lines.reduce(
    (t, l) => ({
      grossMinor: t.grossMinor + l.grossMinor,
      netMinor: t.netMinor + l.netMinor,
      vatMinor: t.vatMinor + l.vatMinor,
    }),
    { grossMinor: 0, netMinor: 0, vatMinor: 0 },
  );
}

/**
 * The lines of an invoice for `amountMinor` charged: the payable's own lines when they add up to
 * it, otherwise (a deposit, a part payment) one line for the amount with the payable's
 * description, so the invoice always totals what was charged.
 */
export function invoiceLines(
  amountMinor: number,
  description: string,
  lines: readonly InvoiceLineInput[],
  rateBp: number,
): InvoiceLine[] {
  if (!Number.isSafeInteger(amountMinor) || amountMinor < 1 || amountMinor > MAX_INVOICE_MINOR) {
    throw new RangeError('amount must be a whole amount between 1 and the maximum');
  }
  const priced = lines.length > 0 ? lines.map((l) => priceLine(l, rateBp)) : [];
  if (priced.length > 0 && totalsOf(priced).grossMinor === amountMinor) return priced;
  return [priceLine({ description, quantity: 1, unitAmountMinor: amountMinor }, rateBp)];
}

/**
 * The credit note for a refund of `amountMinor` against `invoice`: when the refund is the whole
 * invoice, its lines as they were (so net and VAT are reversed exactly); otherwise one line for
 * the amount refunded at the invoice's rate.
 */
export function creditLines(
  amountMinor: number,
  invoice: { lines: readonly InvoiceLine[]; grossMinor: number },
  description: string,
  rateBp: number,
): InvoiceLine[] {
  if (amountMinor === invoice.grossMinor) return invoice.lines.map((l) => ({ ...l }));
  return invoiceLines(amountMinor, description, [], rateBp);
}
