import { Counter, type Registry } from 'prom-client';
import type { Logger } from '../../../platform/logger.js';
import { PAYMENT_REFUNDED, PAYMENT_SUCCEEDED, PAYMENT_FAILED } from '../contract.js';
import { paymentEntryId, refundEntryId } from '../ledger/journal.js';
import type { LedgerStore } from '../ledger/ledger.store.js';
import { publishedMark, type PaymentEvents } from '../payments/payment-events.js';
import type { PaymentRecorder } from '../payments/payment-recorder.js';
import { CAPTURED, type PaymentDocument, type PaymentStore } from '../payments/payment.store.js';
import type { RefundRequestStore } from '../payments/refund.store.js';
import type { PaymentProvider, ProviderIntent } from '../provider/stripe-provider.js';

export interface ReconciliationReport {
  from: Date;
  to: Date;
  intentsChecked: number;
  refundsChecked: number;
  /** Provider successes the ledger or the payment did not have, now recorded. */
  paymentsRecorded: string[];
  failuresRecorded: string[];
  refundsRecorded: string[];
  /** Ledger entries missing for a payment or refund the payment already showed. */
  entriesRepaired: string[];
  eventsRepublished: number;
  /** Payments that never reached the provider, older than the abandon age: marked FAILED. */
  abandoned: string[];
  /** Refund holds whose provider answer was lost and that the provider never made: released. */
  refundHoldsReleased: string[];
  /** Provider records that name no payment of ours, or differ from ours (an operator looks). */
  unmatched: string[];
  /** Whether every currency's lines sum to zero. */
  ledgerBalanced: boolean;
}

export interface ReconcilerOptions {
  /** How far back the provider's records are compared. */
  windowMs: number;
  /** A PROCESSING payment with no provider record this old never reached the provider. */
  abandonAfterMs: number;
  clock?: () => Date;
}

/**
 * Nothing lost: compares the provider's PaymentIntents and refunds over a window with our
 * payments and ledger, and records what is missing through the same PaymentRecorder as requests
 * and webhooks (idempotent, so running it twice, or beside a webhook, records nothing twice).
 * Run by staff (reconcilePayments) and on a schedule.
 */
export class Reconciler {
  private running?: Promise<ReconciliationReport>;
  readonly repairs = new Counter({
    name: 'payments_reconciliation_repairs_total',
    help: 'What reconciliation found missing and recorded, by kind',
    labelNames: ['kind'],
    registers: [],
  });

  constructor(
    private readonly provider: PaymentProvider,
    private readonly store: PaymentStore,
    private readonly ledger: LedgerStore,
    private readonly recorder: PaymentRecorder,
    private readonly events: PaymentEvents,
    private readonly options: ReconcilerOptions,
    private readonly logger: Logger,
    private readonly refundRequests?: RefundRequestStore,
  ) {}

  register(registry: Registry) {
    registry.registerMetric(this.repairs);
  }

  /** One pass; a call while one runs shares it. */
  run(): Promise<ReconciliationReport> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Waits for a pass in progress (shutdown), without starting one. */
  async settled(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  private async pass(): Promise<ReconciliationReport> {
    const to = (this.options.clock ?? (() => new Date()))();
    const from = new Date(to.getTime() - this.options.windowMs);
    const report: ReconciliationReport = {
      from,
      to,
      intentsChecked: 0,
      refundsChecked: 0,
      paymentsRecorded: [],
      failuresRecorded: [],
      refundsRecorded: [],
      entriesRepaired: [],
      eventsRepublished: 0,
      abandoned: [],
      refundHoldsReleased: [],
      unmatched: [],
      ledgerBalanced: false,
    };
    const seen = new Set<string>();
    for await (const intent of this.provider.intentsSince(from)) {
      report.intentsChecked++;
      if (intent.paymentId) seen.add(intent.paymentId);
      await this.intent(intent, report).catch((err) => {
        this.logger.error({ err, intentId: intent.id }, 'reconciliation: intent not reconciled');
        report.unmatched.push(intent.id);
      });
    }
    for await (const refund of this.provider.refundsSince(from)) {
      report.refundsChecked++;
      if (refund.status !== 'succeeded') continue;
      const doc = refund.paymentId ? await this.store.byId(refund.paymentId) : null;
      if (!doc) {
        report.unmatched.push(refund.id);
        continue;
      }
      if (doc.appliedRefunds.includes(refund.id)) continue;
      if (!CAPTURED.includes(doc.status)) continue; // its intent above was recorded first, or is unmatched
      await this.recorder.refunded(doc, refund, refund.refundId !== null, 'reconciliation');
      report.refundsRecorded.push(refund.id);
    }
    await this.ourSide(to, seen, report);
    const totals = await this.ledger.totals();
    report.ledgerBalanced = Object.values(totals.byCurrency).every((sum) => sum === 0);
    for (const [kind, list] of Object.entries({
      payment: report.paymentsRecorded,
      failure: report.failuresRecorded,
      refund: report.refundsRecorded,
      entry: report.entriesRepaired,
      abandoned: report.abandoned,
    })) {
      if (list.length) this.repairs.inc({ kind }, list.length);
    }
    if (report.eventsRepublished) this.repairs.inc({ kind: 'event' }, report.eventsRepublished);
    this.logger.info(
      {
        intents: report.intentsChecked,
        refunds: report.refundsChecked,
        recorded: report.paymentsRecorded.length + report.failuresRecorded.length + report.refundsRecorded.length,
        repaired: report.entriesRepaired.length,
        republished: report.eventsRepublished,
        unmatched: report.unmatched.length,
        balanced: report.ledgerBalanced,
      },
      'payments reconciled',
    );
    return report;
  }

  private async intent(intent: ProviderIntent, report: ReconciliationReport) {
    if (!intent.paymentId) {
      report.unmatched.push(intent.id);
      return;
    }
    const doc = await this.store.byId(intent.paymentId);
    if (!doc) {
      report.unmatched.push(intent.id);
      return;
    }
    if (intent.status === 'succeeded') {
      const recorded = CAPTURED.includes(doc.status) && (await this.ledger.has(paymentEntryId(intent.paymentId)));
      if (recorded) return;
      if (CAPTURED.includes(doc.status)) {
        // The status moved but the entry is missing: write it (never move the status back).
        await this.recorder.succeeded({ ...doc, status: 'PROCESSING' }, intent, 'reconciliation');
        report.entriesRepaired.push(paymentEntryId(intent.paymentId));
        return;
      }
      await this.recorder.succeeded(doc, intent, 'reconciliation');
      report.paymentsRecorded.push(intent.paymentId);
    } else if ((intent.status === 'requires_payment_method' && intent.failureCode) || intent.status === 'canceled') {
      if (doc.status !== 'PROCESSING' && doc.status !== 'REQUIRES_ACTION') return;
      await this.recorder.failed(doc, intent.id, intent.failureCode ?? 'canceled');
      report.failuresRecorded.push(intent.paymentId);
    } else if (intent.status === 'requires_action' && doc.status === 'PROCESSING') {
      await this.recorder.requiresAction(doc, intent);
    }
  }

  /** Our payments the provider listing cannot fix: missing refund entries, unsent events, abandoned attempts. */
  private async ourSide(to: Date, seen: Set<string>, report: ReconciliationReport) {
    const settledBefore = new Date(to.getTime() - 1000);
    for await (const doc of this.store.changedBetween(['PARTIALLY_REFUNDED', 'REFUNDED'], report.from, settledBefore)) {
      for (const applied of doc.refunds) {
        if (await this.ledger.has(refundEntryId(applied.providerRefundId))) continue;
        await this.recorder.writeRefundEntry(doc, applied, 'reconciliation');
        report.entriesRepaired.push(refundEntryId(applied.providerRefundId));
      }
    }
    for await (const doc of this.store.changedBetween(
      ['SUCCEEDED', 'PARTIALLY_REFUNDED', 'REFUNDED', 'FAILED'],
      report.from,
      settledBefore,
    )) {
      report.eventsRepublished += await this.republish(doc);
    }
    const abandonBefore = new Date(to.getTime() - this.options.abandonAfterMs);
    if (this.refundRequests) {
      for await (const request of this.refundRequests.pendingBefore(abandonBefore)) {
        const payment = await this.store.byId(request.paymentId);
        if (!payment?.providerIntentId) continue;
        let made = null;
        for await (const r of this.provider.refundsOf(payment.providerIntentId)) {
          if (r.refundId === request._id.toHexString()) made = r;
        }
        if (made) {
          await this.refundRequests.settle(request._id, 'SUCCEEDED', made.id);
          if (made.status === 'succeeded' && !payment.appliedRefunds.includes(made.id)) {
            await this.recorder.refunded(payment, made, true, 'reconciliation');
            report.refundsRecorded.push(made.id);
          }
        } else {
          // Settle first: only the pass whose settle moved it releases the hold.
          const settled = await this.refundRequests.settleIfPending(request._id, 'FAILED');
          if (settled) {
            await this.store.releaseRefund(payment._id, request.amountMinor);
            report.refundHoldsReleased.push(request._id.toHexString());
          }
        }
      }
    }
    for await (const doc of this.store.changedBetween(['PROCESSING'], report.from, abandonBefore)) {
      if (doc.providerIntentId || seen.has(doc._id.toHexString())) continue;
      await this.recorder.failed(doc, null, 'provider_unreachable');
      report.abandoned.push(doc._id.toHexString());
    }
  }

  private async republish(doc: PaymentDocument): Promise<number> {
    let sent = 0;
    if (doc.status === 'FAILED') {
      if (!doc.published.includes(publishedMark(PAYMENT_FAILED, doc))) {
        await this.events.publish(PAYMENT_FAILED, doc);
        sent++;
      }
      return sent;
    }
    if (!doc.published.includes(publishedMark(PAYMENT_SUCCEEDED, doc))) {
      await this.events.publish(PAYMENT_SUCCEEDED, doc);
      sent++;
    }
    if (doc.refundedMinor > 0 && !doc.published.includes(publishedMark(PAYMENT_REFUNDED, doc))) {
      await this.events.publish(PAYMENT_REFUNDED, doc);
      sent++;
    }
    return sent;
  }
}
