import { ObjectId } from 'mongodb';
import { isStaff, type Viewer } from '../../../platform/auth/viewer.js';
import { ForbiddenError, NotFoundError, ServiceUnavailableError } from '../../../platform/errors.js';
import type { Logger } from '../../../platform/logger.js';
import { platformFee } from '../ledger/accounts.js';
import type { SubjectKind } from '../ledger/journal.js';
import type { Payables } from '../payables/payables.js';
import { ProviderDeclined, type PaymentProvider, type ProviderIntent } from '../provider/stripe-provider.js';
import { reachFault, type FaultPoint } from './fault-injection.js';
import { badInput, conflict } from './payment-errors.js';
import type { PaymentRecorder } from './payment-recorder.js';
import { CAPTURED, claimKeyOf, type PaymentDocument, type PaymentStore } from './payment.store.js';
import type { RefundRequestStore } from './refund.store.js';

type User = Extract<Viewer, { kind: 'user' }>;

/** ISO 4217 codes the runtime's ICU knows (as the marketplace checks prices). */
const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));
const isCurrencyCode = (code: string) => /^[A-Z]{3}$/.test(code) && CURRENCIES.has(code);

export interface CreatePaymentInput {
  subjectKind: SubjectKind;
  subjectId: string;
  paymentMethodId: string;
  idempotencyKey: string;
}

export interface RefundPaymentInput {
  paymentId: string;
  amountMinor: number;
  reason?: string | null;
  currency?: string | null;
  idempotencyKey: string;
}

export interface PaymentServiceOptions {
  feeBps: number;
  fault?: FaultPoint;
}

const KEY = /^[A-Za-z0-9_.:-]{8,100}$/;
const PAYMENT_METHOD = /^pm_[A-Za-z0-9_]{1,100}$/;
const SUBJECT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * createPayment and refundPayment. Amounts come from the marketplace's payable, never from the
 * client; the provider is called with keys derived from our ids; what the provider answers is
 * recorded by the PaymentRecorder, as webhooks and reconciliation record it.
 */
export class PaymentService {
  constructor(
    private readonly store: PaymentStore,
    private readonly refunds: RefundRequestStore,
    private readonly payables: Payables,
    private readonly provider: PaymentProvider,
    private readonly recorder: PaymentRecorder,
    private readonly options: PaymentServiceOptions,
    private readonly logger: Logger,
  ) {}

  async create(user: User, input: CreatePaymentInput): Promise<PaymentDocument> {
    if (!KEY.test(input.idempotencyKey))
      throw badInput('INVALID_INPUT', 'idempotencyKey must be 8-100 letters, digits or _.:-', 'idempotencyKey');
    if (!PAYMENT_METHOD.test(input.paymentMethodId))
      throw badInput('INVALID_INPUT', 'paymentMethodId is not a payment method id', 'paymentMethodId');
    if (!SUBJECT_ID.test(input.subjectId)) throw new NotFoundError('Payment subject');
    const replay = await this.store.byKey(user.userId, input.idempotencyKey);
    if (replay) return this.replay(replay, input);

    const payable = await this.payables.payable(input.subjectKind, input.subjectId).catch((err) => {
      this.logger.warn({ err }, 'marketplace payables unavailable');
      throw new ServiceUnavailableError('The marketplace cannot say what is owed right now');
    });
    // Someone else's order is as unknown to this customer as one that does not exist.
    if (!payable || payable.customerId !== user.userId) throw new NotFoundError('Payment subject');
    if (!payable.payable)
      throw conflict(
        'NOT_PAYABLE',
        `This ${input.subjectKind.toLowerCase()} is not awaiting payment (${payable.status})`,
      );
    if (!Number.isSafeInteger(payable.amountMinor) || payable.amountMinor <= 0) {
      throw badInput('INVALID_AMOUNT', 'Nothing to pay: the amount is not positive', 'subjectId');
    }
    if (!isCurrencyCode(payable.currency))
      throw badInput('CURRENCY_MISMATCH', `Unknown currency ${payable.currency}`, 'subjectId');

    const now = new Date();
    const doc: PaymentDocument = {
      _id: new ObjectId(),
      subjectKind: input.subjectKind,
      subjectId: input.subjectId,
      customerId: user.userId,
      centreId: payable.centreId,
      centreMemberIds: payable.centreMemberIds,
      amountMinor: payable.amountMinor,
      currency: payable.currency,
      description: payable.description.slice(0, 500),
      feeBps: this.options.feeBps,
      feeMinor: platformFee(payable.amountMinor, this.options.feeBps),
      status: 'PROCESSING',
      refundedMinor: 0,
      reservedRefundMinor: 0,
      appliedRefunds: [],
      refunds: [],
      idempotencyKey: input.idempotencyKey,
      paymentMethodId: input.paymentMethodId,
      claimKey: claimKeyOf(input.subjectKind, input.subjectId, payable.status),
      providerIntentId: null,
      clientSecret: null,
      failureCode: null,
      published: [],
      createdAt: now,
      updatedAt: now,
    };
    if (!(await this.store.insert(doc))) {
      const raced = await this.store.byKey(user.userId, input.idempotencyKey);
      if (raced) return this.replay(raced, input);
      throw new ServiceUnavailableError();
    }
    if (!(await this.claimSubject(doc))) {
      await this.store.payments.deleteOne({ _id: doc._id, status: 'PROCESSING', providerIntentId: null });
      throw conflict('PAYMENT_IN_PROGRESS', `This ${input.subjectKind.toLowerCase()} is already paid or being paid`);
    }
    return this.charge(doc);
  }

  /** One payment at a time per subject (and stage, claimKeyOf): a claim document, taken over only from a failed payment. */
  private async claimSubject(doc: PaymentDocument): Promise<boolean> {
    const id = doc._id.toHexString();
    for (let attempt = 0; attempt < 3; attempt++) {
      if (await this.store.claimSubject(doc.claimKey, id)) return true;
      const claim = await this.store.subjectClaim(doc.claimKey);
      if (!claim) continue;
      const holder = await this.store.byId(claim.paymentId);
      if (holder && holder.status !== 'FAILED') return false;
      if (await this.store.replaceClaim(doc.claimKey, claim.paymentId, id)) return true;
    }
    return false;
  }

  /** The same key again: the same payment, moved on if the provider has news (never a second charge). */
  private async replay(doc: PaymentDocument, input: CreatePaymentInput): Promise<PaymentDocument> {
    if (
      doc.subjectKind !== input.subjectKind ||
      doc.subjectId !== input.subjectId ||
      doc.paymentMethodId !== input.paymentMethodId
    ) {
      throw badInput('IDEMPOTENCY_KEY_REUSED', 'This idempotencyKey was used for another payment', 'idempotencyKey');
    }
    if (doc.status === 'PROCESSING' && !doc.providerIntentId) return this.charge(doc);
    if ((doc.status === 'PROCESSING' || doc.status === 'REQUIRES_ACTION') && doc.providerIntentId) {
      const intent = await this.provider.retrieveIntent(doc.providerIntentId).catch(() => null);
      if (intent) return this.apply(doc, intent);
    }
    return doc;
  }

  /** Asks the provider (the same key `pi-<paymentId>` every time) and records its answer. */
  private async charge(doc: PaymentDocument): Promise<PaymentDocument> {
    const paymentId = doc._id.toHexString();
    let intent: ProviderIntent;
    try {
      intent = await this.provider.createIntent({
        paymentId,
        amountMinor: doc.amountMinor,
        currency: doc.currency,
        paymentMethodId: doc.paymentMethodId,
        description: doc.description,
        metadata: {
          paymentId,
          subjectKind: doc.subjectKind,
          subjectId: doc.subjectId,
          customerId: doc.customerId,
          centreId: doc.centreId,
        },
      });
    } catch (error) {
      if (error instanceof ProviderDeclined) return this.recorder.failed(doc, error.intent?.id ?? null, error.code);
      this.logger.warn({ err: error, paymentId }, 'payment provider call failed; the payment stays PROCESSING');
      throw new ServiceUnavailableError('The payment provider did not answer: retry with the same idempotencyKey', 2);
    }
    await reachFault('hang-after-provider', this.options.fault, paymentId);
    return this.apply(doc, intent);
  }

  async apply(doc: PaymentDocument, intent: ProviderIntent): Promise<PaymentDocument> {
    switch (intent.status) {
      case 'succeeded':
        return this.recorder.succeeded(doc, intent, 'request');
      case 'requires_action':
        return this.recorder.requiresAction(doc, intent);
      case 'requires_payment_method':
      case 'canceled':
        return intent.failureCode || intent.status === 'canceled'
          ? this.recorder.failed(doc, intent.id, intent.failureCode ?? 'canceled')
          : doc;
      default:
        await this.store.set(doc._id, { providerIntentId: intent.id });
        return { ...doc, providerIntentId: intent.id };
    }
  }

  async refund(user: User, input: RefundPaymentInput): Promise<PaymentDocument> {
    const payment = await this.store.byId(input.paymentId);
    if (!payment || !canRead(user, payment)) throw new NotFoundError('Payment');
    if (!isStaff(user) && !payment.centreMemberIds.includes(user.userId)) {
      throw new ForbiddenError("Refunds are made by the payment's centre or by staff");
    }
    if (!Number.isSafeInteger(input.amountMinor) || input.amountMinor <= 0) {
      throw badInput('INVALID_AMOUNT', 'amountMinor must be a positive whole number of minor units', 'amountMinor');
    }
    if (input.currency != null && input.currency !== payment.currency) {
      throw badInput('CURRENCY_MISMATCH', `The payment is in ${payment.currency}, not ${input.currency}`, 'currency');
    }
    if (!KEY.test(input.idempotencyKey))
      throw badInput('INVALID_INPUT', 'idempotencyKey must be 8-100 letters, digits or _.:-', 'idempotencyKey');
    return this.refundAs(payment, input, user.userId);
  }

  /**
   * Gives back the whole of a payment whose order was cancelled before it landed and could not be
   * filled (marketplace's ORDER_PAYMENT_UNFILLED). Asked at least once, maybe twice or on two
   * instances: one refund request keyed on the payment (`unfilled-<paymentId>`), so the provider
   * refunds once and a repeat replays it. Nothing is done for a payment already refunded in full
   * (say by its centre). The refund event then moves the order to REFUNDED.
   */
  async refundUnfilled(paymentId: string): Promise<PaymentDocument | null> {
    const payment = await this.store.byId(paymentId);
    if (!payment) {
      // Payments records a success before publishing it, so marketplace cannot name a payment we lack.
      this.logger.error({ paymentId }, 'unfilled payment unknown to payments');
      return null;
    }
    const idempotencyKey = `unfilled-${paymentId}`;
    const earlier = await this.refunds.byKey(paymentId, idempotencyKey);
    if (earlier?.status === 'SUCCEEDED') return payment;
    // In flight here or on another instance (or its answer lost, which reconciliation settles):
    // the event is retried and finds it settled.
    if (earlier?.status === 'PENDING') throw new Error(`unfilled refund of ${paymentId} still pending`);
    // The provider refused last time and nothing was held: ask afresh under the same key.
    if (earlier?.status === 'FAILED') await this.refunds.remove(earlier._id);
    const remaining = payment.amountMinor - payment.reservedRefundMinor;
    if (remaining <= 0 || !CAPTURED.includes(payment.status)) return payment;
    return this.refundAs(
      payment,
      {
        paymentId,
        amountMinor: remaining,
        reason: 'Order could not be filled: paid after its hold lapsed',
        idempotencyKey,
      },
      'system',
    );
  }

  private async refundAs(payment: PaymentDocument, input: RefundPaymentInput, requestedBy: string) {
    const paymentId = payment._id.toHexString();
    const earlier = await this.refunds.byKey(paymentId, input.idempotencyKey);
    if (earlier) return this.replayRefund(earlier, input);
    this.refusal(payment, input.amountMinor);

    const request = {
      _id: new ObjectId(),
      paymentId,
      idempotencyKey: input.idempotencyKey,
      amountMinor: input.amountMinor,
      reason: input.reason?.slice(0, 500) ?? null,
      requestedBy,
      status: 'PENDING' as const,
      providerRefundId: null,
      createdAt: new Date(),
    };
    if (!(await this.refunds.insert(request))) {
      const raced = await this.refunds.byKey(paymentId, input.idempotencyKey);
      if (raced) return this.replayRefund(raced, input);
    }
    const held = await this.store.reserveRefund(payment, input.amountMinor);
    if (!held) {
      await this.refunds.remove(request._id);
      const now = await this.store.byId(paymentId);
      this.refusal(now ?? payment, input.amountMinor);
      throw conflict('NOT_REFUNDABLE', 'Another refund changed this payment; try again');
    }
    let refund;
    try {
      refund = await this.provider.createRefund({
        refundId: request._id.toHexString(),
        paymentId,
        intentId: held.providerIntentId!,
        amountMinor: input.amountMinor,
      });
    } catch (error) {
      this.logger.warn({ err: error, paymentId }, 'refund refused or unanswered by the provider');
      // No answer is not a no: the provider may have refunded. Only once it shows no refund of
      // ours is the hold released; if it cannot even be asked, the hold stays for reconciliation.
      const made = await this.findRefund(held.providerIntentId!, request._id.toHexString()).catch(() => undefined);
      if (made) {
        await this.refunds.settle(request._id, 'SUCCEEDED', made.id);
        return made.status === 'succeeded' ? this.recorder.refunded(held, made, true, 'request') : held;
      }
      if (made === null) {
        await this.store.releaseRefund(held._id, input.amountMinor);
        await this.refunds.settle(request._id, 'FAILED', null);
      }
      throw new ServiceUnavailableError('The payment provider did not refund: try again');
    }
    await this.refunds.settle(request._id, 'SUCCEEDED', refund.id);
    if (refund.status !== 'succeeded') return held;
    return this.recorder.refunded(held, refund, true, 'request');
  }

  /** Our refund request's refund at the provider, or null when it has none. */
  private async findRefund(intentId: string, refundId: string) {
    for await (const refund of this.provider.refundsOf(intentId)) if (refund.refundId === refundId) return refund;
    return null;
  }

  /** Throws the refusal that applies to refunding `amount` of `payment` now, if any. */
  private refusal(payment: PaymentDocument, amount: number): void {
    if (payment.status === 'REFUNDED') throw conflict('ALREADY_REFUNDED', 'This payment is already fully refunded');
    if (!CAPTURED.includes(payment.status))
      throw conflict('NOT_REFUNDABLE', `A ${payment.status} payment cannot be refunded`);
    const remaining = payment.amountMinor - payment.reservedRefundMinor;
    if (remaining <= 0) throw conflict('ALREADY_REFUNDED', 'This payment is already fully refunded');
    if (amount > remaining) {
      throw badInput('REFUND_EXCEEDS_REMAINING', `At most ${remaining} can be refunded`, 'amountMinor', {
        remainingMinor: remaining,
      });
    }
  }

  private async replayRefund(earlier: { amountMinor: number; paymentId: string }, input: RefundPaymentInput) {
    if (earlier.amountMinor !== input.amountMinor) {
      throw badInput('IDEMPOTENCY_KEY_REUSED', 'This idempotencyKey was used for another refund', 'idempotencyKey');
    }
    const doc = await this.store.byId(earlier.paymentId);
    if (!doc) throw new NotFoundError('Payment');
    return doc;
  }

  async read(viewer: Viewer | undefined, id: string): Promise<PaymentDocument | null> {
    const doc = await this.store.byId(id);
    return doc && viewer?.kind === 'user' && canRead(viewer, doc) ? doc : null;
  }
}

/** The customer who paid, the centre's members, staff. */
export const canRead = (user: User, doc: PaymentDocument) =>
  doc.customerId === user.userId || doc.centreMemberIds.includes(user.userId) || isStaff(user);
