import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionType } from '../../../platform/graphql/pagination.js';
import type { InvoiceDocument } from './invoice.document.js';

export enum InvoiceKind {
  INVOICE = 'INVOICE',
  CREDIT_NOTE = 'CREDIT_NOTE',
}
registerEnumType(InvoiceKind, { name: 'InvoiceKind', description: 'An invoice, or a credit note for a refund' });

@ObjectType({ description: 'A party to an invoice: the centre that sold, or the customer' })
export class InvoiceParty {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  address?: string | null;
}

@ObjectType({
  description: 'One line: amounts include VAT; net and VAT are split per line (rounding half up on the net)',
})
export class InvoiceLineItem {
  @Field(() => String)
  description!: string;

  @Field(() => Int)
  quantity!: number;

  @Field(() => Int)
  unitAmountMinor!: number;

  @Field(() => Int)
  netMinor!: number;

  @Field(() => Int)
  vatMinor!: number;

  @Field(() => Int)
  grossMinor!: number;
}

@ObjectType({ description: 'A numbered invoice or credit note (numbers gapless per issuer, series and year)' })
export class Invoice {
  @Field(() => ID)
  id!: string;

  @Field(() => InvoiceKind)
  kind!: InvoiceKind;

  @Field(() => String, { description: 'INV-2026-000042, or CN-2026-000003 for a credit note' })
  number!: string;

  @Field(() => Date)
  issuedAt!: Date;

  @Field(() => InvoiceParty)
  issuer!: InvoiceParty;

  @Field(() => InvoiceParty)
  customer!: InvoiceParty;

  @Field(() => ID)
  paymentId!: string;

  @Field(() => String)
  subjectKind!: string;

  @Field(() => ID)
  subjectId!: string;

  @Field(() => String)
  description!: string;

  @Field(() => String, { description: 'ISO 4217' })
  currency!: string;

  @Field(() => Int, { description: 'VAT rate in basis points (2000 = 20 %)' })
  vatRateBps!: number;

  @Field(() => [InvoiceLineItem])
  lines!: InvoiceLineItem[];

  @Field(() => Int)
  netMinor!: number;

  @Field(() => Int)
  vatMinor!: number;

  @Field(() => Int, { description: 'What was charged (or refunded, for a credit note)' })
  amountMinor!: number;

  @Field(() => ID, { nullable: true, description: 'For a credit note: the invoice it credits' })
  creditsInvoiceId?: string | null;

  @Field(() => String, { description: 'Where to download the PDF (GET with the same bearer token)' })
  pdfUrl!: string;
}

export const InvoiceConnection = ConnectionType(Invoice);

export function toInvoice(doc: InvoiceDocument): Invoice {
  const id = doc._id.toHexString();
  return {
    id,
    kind: doc.kind as InvoiceKind,
    number: doc.number!.display,
    issuedAt: doc.issuedAt ?? doc.createdAt,
    issuer: doc.issuer,
    customer: doc.customer,
    paymentId: doc.paymentId,
    subjectKind: doc.subjectKind,
    subjectId: doc.subjectId,
    description: doc.description,
    currency: doc.currency,
    vatRateBps: doc.vatRateBps,
    lines: doc.lines,
    netMinor: doc.netMinor,
    vatMinor: doc.vatMinor,
    amountMinor: doc.grossMinor,
    creditsInvoiceId: doc.creditsInvoiceId ? doc.creditsInvoiceId.toHexString() : null,
    pdfUrl: `/invoices/${id}.pdf`,
  };
}
