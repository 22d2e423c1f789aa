/**
 * The ledger's accounts and rounding rules. Everyone who writes or reads journal entries
 * (payments, refunds, invoices, payouts, reports) builds on what is written here.
 *
 * Accounts are plain strings, `<kind>:<qualifier>`; an entry never mixes currencies, so an
 * account's balance is kept per currency (a centre paid in EUR and GBP has two balances).
 *
 * - `provider:stripe`           asset: money held at the payment provider (Stripe balance).
 *                               Debited by customer payments, credited by refunds and payouts.
 * - `partner:<centreId>`        liability: what the platform owes the centre. Credited with its
 *                               share of a payment, debited by refunds and by payouts.
 * - `platform:fees`             revenue: the platform's fee. Credited at payment, debited by the
 *                               fee's share of a refund.
 *
 * Sign convention: a line's `amountMinor` is positive for a debit, negative for a credit, so an
 * entry is balanced when its lines sum to zero, and the whole ledger sums to zero per currency.
 * A liability or revenue account's balance is therefore negative: what a partner is owed is
 * `-balance(partner:<centreId>)`.
 *
 * Rounding (amounts are integers in minor units, never floats):
 * - Platform fee on a payment of A at P percent: round half up of A × P / 100, computed in
 *   integers on basis points (P × 100, P given to at most two decimals):
 *   fee = floor((A × bps + 5000) / 10000). The partner gets A − fee, so the remainder of the
 *   rounding always stays with the partner and the entry balances exactly.
 * - A refund R of a payment A whose fee was F reverses the fee pro rata on the cumulative amount
 *   refunded: after refunds totalling T, the fee reversed so far is round half up of F × T / A;
 *   this refund reverses that minus what earlier refunds reversed. Partial refunds therefore
 *   never reverse more than F in total, and a full refund reverses exactly F.
 * - The fee percentage is read when the payment is recorded and stored on the payment, so a
 *   later refund uses the fee the payment actually paid.
 */

export const PROVIDER_ACCOUNT = 'provider:stripe';
export const PLATFORM_FEES_ACCOUNT = 'platform:fees';
export const partnerAccount = (centreId: string) => `partner:${centreId}`;
export const isPartnerAccount = (account: string) => account.startsWith('partner:');

/** Percent (at most two decimals) in basis points, refusing anything that is not 0..100. */
export function basisPoints(percent: number): number {
  const bps = Math.round(percent * 100);
  if (!Number.isFinite(percent) || percent < 0 || percent > 100 || Math.abs(bps - percent * 100) > 1e-6) {
    throw new RangeError(`fee percent must be 0..100 with at most two decimals, got ${percent}`);
  }
  return bps;
}

/** Round half up of `amount × numerator / denominator`, for non-negative integers (exact, in BigInt). */
export function mulDivHalfUp(amount: number, numerator: number, denominator: number): number {
  if (
    ![amount, numerator, denominator].every(Number.isSafeInteger) ||
    amount < 0 ||
    numerator < 0 ||
    denominator <= 0
  ) {
    throw new RangeError('mulDivHalfUp takes non-negative safe integers and a positive denominator');
  }
  const n = BigInt(amount) * BigInt(numerator);
  const d = BigInt(denominator);
  return Number((2n * n + d) / (2n * d));
}

/** The platform's fee on a payment of `amountMinor` at `feeBps` basis points (rule above). */
export const platformFee = (amountMinor: number, feeBps: number): number => mulDivHalfUp(amountMinor, feeBps, 10_000);

/**
 * The fee a refund reverses: the fee's share of everything refunded so far (this refund
 * included) less what earlier refunds reversed.
 */
export function feeReversal(
  payment: { amountMinor: number; feeMinor: number },
  refundedBefore: number,
  refund: number,
) {
  const total = refundedBefore + refund;
  if (refund <= 0 || total > payment.amountMinor) throw new RangeError('refund outside the payment');
  return (
    mulDivHalfUp(payment.feeMinor, total, payment.amountMinor) -
    mulDivHalfUp(payment.feeMinor, refundedBefore, payment.amountMinor)
  );
}
