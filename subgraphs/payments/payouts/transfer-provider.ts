import Stripe from 'stripe';

/**
 * Paying a centre: a Stripe Connect transfer from the platform's balance to the centre's
 * connected account, with the idempotency key `tr-<payoutId>` (the key family of
 * provider/stripe-provider.ts), so a retried payout returns the first transfer, never a second.
 */
export interface TransferProvider {
  transfer(input: {
    payoutId: string;
    centreId: string;
    amountMinor: number;
    currency: string;
  }): Promise<{ id: string }>;
}

export const transferKey = (payoutId: string) => `tr-${payoutId}`;

/**
 * The centre's connected account. Onboarding centres to Stripe Connect is not built yet: the
 * account id is derived from the centre id, which the local fake accepts and real Stripe would
 * refuse (a declined payout stays FAILED and the balance stays owed).
 */
export const connectedAccountOf = (centreId: string) => `acct_${centreId}`;

/** A refusal by the provider that a retry would not change (no money moved). */
export class TransferRefused extends Error {
  constructor(readonly code: string) {
    super(`transfer refused: ${code}`);
    this.name = 'TransferRefused';
  }
}

export class StripeTransfers implements TransferProvider {
  constructor(private readonly stripe: Stripe) {}

  async transfer(input: { payoutId: string; centreId: string; amountMinor: number; currency: string }) {
    try {
      const transfer = await this.stripe.transfers.create(
        {
          amount: input.amountMinor,
          currency: input.currency.toLowerCase(),
          destination: connectedAccountOf(input.centreId),
          transfer_group: `payout-${input.payoutId}`,
          metadata: { payoutId: input.payoutId, centreId: input.centreId },
        },
        { idempotencyKey: transferKey(input.payoutId) },
      );
      return { id: transfer.id };
    } catch (error) {
      // 4xx other than a conflict or rate limit: the provider refused; a retry with the same key gets the same answer.
      if (error instanceof Stripe.errors.StripeInvalidRequestError || error instanceof Stripe.errors.StripeCardError) {
        throw new TransferRefused(error.code ?? 'invalid_request');
      }
      throw error;
    }
  }
}
