import type { IndexDeclaration } from '../../platform/mongo/indexes.js';
import { JOURNAL_INDEXES, LedgerStore } from './ledger/ledger.store.js';
import { PAYMENT_INDEXES, PaymentStore } from './payments/payment.store.js';
import { REFUND_REQUEST_INDEXES, RefundRequestStore } from './payments/refund.store.js';
import { WebhookClaimStore } from './webhooks/webhook-claims.store.js';
import { CreditStore } from './invoices/credit.store.js';
import { InvoiceNumbering } from './invoices/invoice-numbering.js';
import { INVOICE_INDEXES, InvoiceStore } from './invoices/invoice.store.js';
import { PAYOUT_INDEXES, PayoutStore } from './payouts/payout.store.js';

/** Every index the payments stores declare, by collection. */
export const PAYMENTS_INDEXES: Readonly<Record<string, IndexDeclaration[]>> = {
  [LedgerStore.collection]: JOURNAL_INDEXES,
  [PaymentStore.collection]: PAYMENT_INDEXES,
  [PaymentStore.claimsCollection]: [],
  [RefundRequestStore.collection]: REFUND_REQUEST_INDEXES,
  [WebhookClaimStore.collection]: [],
  [InvoiceStore.collection]: INVOICE_INDEXES,
  [InvoiceNumbering.collection]: [],
  [CreditStore.collection]: [],
  [PayoutStore.collection]: PAYOUT_INDEXES,
};
