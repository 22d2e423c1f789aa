import type { ObjectId } from 'mongodb';
import type { InvoiceLine } from './invoice-math.js';

export const INVOICE_KINDS = ['INVOICE', 'CREDIT_NOTE'] as const;
export type InvoiceKindValue = (typeof INVOICE_KINDS)[number];

/**
 * Number series. Invoices and credit notes are numbered in series of their own, each gapless
 * per issuer and calendar year (UTC): INV-2026-000001, INV-2026-000002, ... and CN-2026-000001
 * for the same centre's first credit note that year. Each issuer (a centre, for the parts and
 * services it sells) has its own series, as a seller's invoices do.
 */
export const SERIES: Record<InvoiceKindValue, string> = { INVOICE: 'INV', CREDIT_NOTE: 'CN' };

export interface Party {
  id: string;
  name: string;
  address: string | null;
}

export interface InvoiceNumber {
  series: string;
  year: number;
  seq: number;
  /** INV-2026-000042 */
  display: string;
}

/**
 * An invoice or credit note. It is written whole as a draft first (keyed by its source, so a
 * retry finds it instead of making another), then numbered; only numbered documents are
 * shown. `numberKey` is unique: `<issuer>:<series>:<year>:<seq>` once numbered, `draft:<_id>`
 * before, so the unique index needs no partial filter.
 */
export interface InvoiceDocument {
  _id: ObjectId;
  /** What it is for, unique: `payment:<paymentId>` or `refund:<paymentId>:<refunded so far>`. */
  source: string;
  kind: InvoiceKindValue;
  issuer: Party;
  customer: Party;
  /** Copies of the parties' ids, for the access filters and their indexes. */
  issuerId: string;
  customerId: string;
  paymentId: string;
  subjectKind: string;
  subjectId: string;
  description: string;
  currency: string;
  vatRateBps: number;
  lines: InvoiceLine[];
  grossMinor: number;
  netMinor: number;
  vatMinor: number;
  /** A credit note's invoice. */
  creditsInvoiceId: ObjectId | null;
  number: InvoiceNumber | null;
  numberKey: string;
  issuedAt: Date | null;
  createdAt: Date;
}

export const formatNumber = (series: string, year: number, seq: number) =>
  `${series}-${year}-${String(seq).padStart(6, '0')}`;

export const counterKey = (issuerId: string, series: string, year: number) => `${issuerId}:${series}:${year}`;
