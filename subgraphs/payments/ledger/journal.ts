import { PLATFORM_FEES_ACCOUNT, PROVIDER_ACCOUNT, feeReversal, partnerAccount } from './accounts.js';

/**
 * A journal entry: one movement of money, in one currency, as lines that sum to zero (see
 * accounts.ts for the accounts, signs and rounding). Entries are never updated or deleted; a
 * correction is a new entry. The `_id` is deterministic, derived from what caused the entry
 * (`payment:<paymentId>`, `refund:<providerRefundId>`, `payout:<...>`), so writing the same
 * movement twice (a webhook and our own request, a retry, reconciliation) stores it once.
 */
export interface JournalLine {
  account: string;
  /** Minor units: positive debits, negative credits. */
  amountMinor: number;
}

export type JournalKind = 'PAYMENT' | 'REFUND' | 'PAYOUT';
export type SubjectKind = 'ORDER' | 'BOOKING' | 'ROADSIDE';

export interface JournalEntry {
  _id: string;
  kind: JournalKind;
  currency: string;
  lines: JournalLine[];
  /** The centre the money concerns (partner statements, revenue by centre). */
  centreId: string;
  /** The payment it belongs to (null for a payout). */
  paymentId: string | null;
  customerId: string | null;
  subjectKind: SubjectKind | null;
  subjectId: string | null;
  /** Revenue by category: the subject's category (ORDER, BOOKING, ROADSIDE; PAYOUT for payouts). */
  category: string;
  /** When the money moved (the provider's time when known), which reports group by. */
  postedAt: Date;
  /** When this entry was written (later than postedAt when reconciliation repaired it). */
  recordedAt: Date;
  /** What wrote it: 'request', 'webhook', 'reconciliation', 'payout-job'. */
  source: string;
  description: string;
}

/** Whether an entry is well formed: integer lines, at least two, summing to zero, one ISO currency. */
export function balanced(entry: Pick<JournalEntry, 'lines' | 'currency'>): boolean {
  if (!/^[A-Z]{3}$/.test(entry.currency) || entry.lines.length < 2) return false;
  let sum = 0;
  for (const line of entry.lines) {
    if (!Number.isSafeInteger(line.amountMinor) || !line.account) return false;
    sum += line.amountMinor;
  }
  return sum === 0;
}

export class UnbalancedEntryError extends Error {
  constructor(id: string) {
    super(`journal entry ${id} does not balance`);
    this.name = 'UnbalancedEntryError';
  }
}

export interface PaymentFacts {
  paymentId: string;
  centreId: string;
  customerId: string;
  subjectKind: SubjectKind;
  subjectId: string;
  amountMinor: number;
  feeMinor: number;
  currency: string;
}

type Meta = { postedAt: Date; recordedAt: Date; source: string };

const common = (p: PaymentFacts) => ({
  centreId: p.centreId,
  paymentId: p.paymentId,
  customerId: p.customerId,
  subjectKind: p.subjectKind,
  subjectId: p.subjectId,
  category: p.subjectKind,
  currency: p.currency,
});

export const paymentEntryId = (paymentId: string) => `payment:${paymentId}`;
export const refundEntryId = (providerRefundId: string) => `refund:${providerRefundId}`;

/** Customer payment: the provider holds A; the partner is owed A − fee; the platform earns the fee. */
export function paymentEntry(p: PaymentFacts, meta: Meta): JournalEntry {
  return {
    _id: paymentEntryId(p.paymentId),
    kind: 'PAYMENT',
    ...common(p),
    lines: [
      { account: PROVIDER_ACCOUNT, amountMinor: p.amountMinor },
      { account: partnerAccount(p.centreId), amountMinor: -(p.amountMinor - p.feeMinor) },
      { account: PLATFORM_FEES_ACCOUNT, amountMinor: -p.feeMinor },
    ],
    description: `Payment for ${p.subjectKind.toLowerCase()} ${p.subjectId}`,
    ...meta,
  };
}

/** Refund R: the provider pays R back; the fee's share (accounts.ts) comes off the fee, the rest off the partner. */
export function refundEntry(
  p: PaymentFacts,
  refund: { providerRefundId: string; amountMinor: number; refundedBefore: number },
  meta: Meta,
): JournalEntry {
  const fee = feeReversal(p, refund.refundedBefore, refund.amountMinor);
  return {
    _id: refundEntryId(refund.providerRefundId),
    kind: 'REFUND',
    ...common(p),
    lines: [
      { account: partnerAccount(p.centreId), amountMinor: refund.amountMinor - fee },
      { account: PLATFORM_FEES_ACCOUNT, amountMinor: fee },
      { account: PROVIDER_ACCOUNT, amountMinor: -refund.amountMinor },
    ],
    description: `Refund of payment ${p.paymentId}`,
    ...meta,
  };
}
