import type { Logger } from '../../../platform/logger.js';
import { PAYMENT_FAILED, PAYMENT_REFUNDED, PAYMENT_SUCCEEDED } from '../contract.js';
import { paymentEntry, refundEntry, type PaymentFacts } from '../ledger/journal.js';
import type { LedgerStore } from '../ledger/ledger.store.js';
import type { ProviderIntent } from '../provider/stripe-provider.js';
import type { PaymentEvents } from './payment-events.js';
import { CAPTURED, OPEN, type AppliedRefund, type PaymentDocument, type PaymentStore } from './payment.store.js';

export type RecordSource = 'request' | 'webhook' | 'reconciliation';

export const factsOf = (doc: PaymentDocument): PaymentFacts => ({
  paymentId: doc._id.toHexString(),
  centreId: doc.centreId,
  customerId: doc.customerId,
  subjectKind: doc.subjectKind,
  subjectId: doc.subjectId,
  amountMinor: doc.amountMinor,
  feeMinor: doc.feeMinor,
  currency: doc.currency,
});

/**
 * Records what the provider says happened, from whichever path hears it first: our own request,
 * a webhook, or reconciliation. Every step is idempotent and ordered so a crash anywhere leaves
 * something reconciliation repairs:
 * - success: the ledger entry (deterministic id) first, then the status (a conditional update:
 *   only the path that moves it publishes), then the event (marked on the payment once out);
 * - refund: the payment first (one conditional update that adds the refund by its provider id,
 *   with what was refunded before it), then its ledger entry built from that record, then the event.
 */
export class PaymentRecorder {
  constructor(
    private readonly store: PaymentStore,
    private readonly ledger: LedgerStore,
    private readonly events: PaymentEvents,
    private readonly logger: Logger,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async succeeded(doc: PaymentDocument, intent: ProviderIntent, source: RecordSource): Promise<PaymentDocument> {
    if (intent.amountMinor !== doc.amountMinor || intent.currency !== doc.currency) {
      // Never book what we did not ask for: an operator looks at it (reconciliation reports it too).
      this.logger.error(
        { paymentId: doc._id.toHexString(), intentId: intent.id },
        'provider amount differs from the payment',
      );
      throw new Error(`payment ${doc._id.toHexString()}: provider amount or currency differs`);
    }
    // The entry is written before the status moves, so a captured payment has its entry: nothing to do.
    if (CAPTURED.includes(doc.status)) return doc;
    const now = this.clock();
    const wrote = await this.ledger.record(
      paymentEntry(factsOf(doc), { postedAt: intent.created, recordedAt: now, source }),
    );
    const moved = await this.store.transition(doc._id, OPEN, {
      status: 'SUCCEEDED',
      providerIntentId: intent.id,
      failureCode: null,
    });
    if (moved) {
      this.logger.info({ paymentId: doc._id.toHexString(), source, ledgerWritten: wrote }, 'payment succeeded');
      await this.events.publish(PAYMENT_SUCCEEDED, moved);
      return moved;
    }
    return (await this.store.byId(doc._id.toHexString())) ?? doc;
  }

  async failed(doc: PaymentDocument, intentId: string | null, failureCode: string): Promise<PaymentDocument> {
    const moved = await this.store.transition(doc._id, ['PROCESSING', 'REQUIRES_ACTION'], {
      status: 'FAILED',
      failureCode,
      ...(intentId ? { providerIntentId: intentId } : {}),
    });
    if (moved) {
      await this.events.publish(PAYMENT_FAILED, moved);
      return moved;
    }
    return (await this.store.byId(doc._id.toHexString())) ?? doc;
  }

  async requiresAction(doc: PaymentDocument, intent: ProviderIntent): Promise<PaymentDocument> {
    const moved = await this.store.transition(doc._id, ['PROCESSING'], {
      status: 'REQUIRES_ACTION',
      providerIntentId: intent.id,
      clientSecret: intent.clientSecret,
    });
    return moved ?? (await this.store.byId(doc._id.toHexString())) ?? doc;
  }

  /**
   * Applies a refund the provider made (once, by its id). `reserved`: our refundPayment already
   * held its amount; a refund made elsewhere (the dashboard) is held here as it is applied.
   */
  async refunded(
    doc: PaymentDocument,
    refund: { id: string; amountMinor: number; created: Date },
    reserved: boolean,
    source: RecordSource,
  ): Promise<PaymentDocument> {
    let current: PaymentDocument | null = doc;
    for (let attempt = 0; attempt < 20 && current; attempt++) {
      if (current.appliedRefunds.includes(refund.id)) return current;
      if (!CAPTURED.includes(current.status)) {
        throw new Error(`refund ${refund.id} for payment ${current._id.toHexString()} that is not captured`);
      }
      const updated = await this.store.applyRefund(current, refund.id, refund.amountMinor, reserved, refund.created);
      if (updated) {
        await this.writeRefundEntry(
          updated,
          updated.refunds.find((r) => r.providerRefundId === refund.id)!,
          source,
        );
        await this.events.publish(PAYMENT_REFUNDED, updated);
        return updated;
      }
      // Another refund was applied meanwhile: read the payment again and retry on top of it.
      current = await this.store.byId(doc._id.toHexString());
    }
    throw new Error(`refund ${refund.id}: payment kept changing`);
  }

  writeRefundEntry(doc: PaymentDocument, applied: AppliedRefund, source: RecordSource): Promise<boolean> {
    return this.ledger.record(
      refundEntry(
        factsOf(doc),
        {
          providerRefundId: applied.providerRefundId,
          amountMinor: applied.amountMinor,
          refundedBefore: applied.refundedBefore,
        },
        { postedAt: applied.at, recordedAt: this.clock(), source },
      ),
    );
  }
}
