import type { IndexDeclaration } from '../../platform/mongo/indexes.js';
import { JOURNAL_INDEXES, LedgerStore } from './ledger/ledger.store.js';
import { PAYMENT_INDEXES, PaymentStore } from './payments/payment.store.js';
import { REFUND_REQUEST_INDEXES, RefundRequestStore } from './payments/refund.store.js';
import { WebhookClaimStore } from './webhooks/webhook-claims.store.js';

/** Every index the payments stores declare, by collection (invoices and payouts add theirs). */
export const PAYMENTS_INDEXES: Readonly<Record<string, IndexDeclaration[]>> = {
  [LedgerStore.collection]: JOURNAL_INDEXES,
  [PaymentStore.collection]: PAYMENT_INDEXES,
  [PaymentStore.claimsCollection]: [],
  [RefundRequestStore.collection]: REFUND_REQUEST_INDEXES,
  [WebhookClaimStore.collection]: [],
};
