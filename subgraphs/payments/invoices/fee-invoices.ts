import { PLATFORM_FEES_ACCOUNT, PROVIDER_ACCOUNT, mulDivHalfUp } from '../ledger/accounts.js';
import type { JournalEntry } from '../ledger/journal.js';
import type { Logger } from '../../../platform/logger.js';
import type { PaymentEvent } from '../contract.js';
import type { CentreDirectory } from './centre-directory.js';
import type { CreditStore } from './credit.store.js';
import { creditLines, invoiceLines, totalsOf } from './invoice-math.js';
import type { InvoiceDocument, Party } from './invoice.document.js';
import type { DraftInput, InvoiceStore } from './invoice.store.js';

/** The platform as an issuer: its invoices are numbered in a series of their own. */
export const PLATFORM_ISSUER_ID = 'platform';
export const PLATFORM_PARTY: Party = { id: PLATFORM_ISSUER_ID, name: 'Clutch (platform fees)', address: null };

export const feeSource = (paymentId: string) => `fee:${paymentId}`;
export const feeCreditSource = (paymentId: string, reversedMinor: number) => `fee-refund:${paymentId}:${reversedMinor}`;

/** What a payment paid the platform, from its journal entry (null until the entry is recorded). */
export async function feeOfPayment(
  ledger: { forPayment(paymentId: string): Promise<JournalEntry[]> },
  paymentId: string,
): Promise<{ feeMinor: number; amountMinor: number } | null> {
  const entry = (await ledger.forPayment(paymentId)).find((e) => e.kind === 'PAYMENT');
  if (!entry) return null;
  const sum = (account: string) =>
    entry.lines.filter((l) => l.account === account).reduce((s, l) => s + l.amountMinor, 0);
  return { feeMinor: -sum(PLATFORM_FEES_ACCOUNT), amountMinor: sum(PROVIDER_ACCOUNT) };
}

/**
 * The platform's invoices to centres for its fee: one per payment (issuer: the platform; the
 * other party: the centre), and a credit note for each rise of the fee that refunds reversed
 * (ledger/accounts.ts: round half up of fee x refunded / amount). Idempotent by source like the
 * centres' invoices; the centre's members read them.
 */
export class FeeInvoices {
  constructor(
    private readonly deps: {
      store: InvoiceStore;
      credits: CreditStore;
      ledger: { forPayment(paymentId: string): Promise<JournalEntry[]> };
      centres: CentreDirectory;
      vatRateBps: number;
      logger: Logger;
      now?: () => Date;
    },
  ) {}

  private readonly now = () => this.deps.now?.() ?? new Date();

  /** The fee invoice of a succeeded payment; null when the payment paid no fee. */
  async invoiceFor(event: PaymentEvent): Promise<InvoiceDocument | null> {
    const existing = await this.deps.store.bySource(feeSource(event.paymentId));
    if (existing?.number) return existing;
    const fee = await feeOfPayment(this.deps.ledger, event.paymentId);
    // The event follows the entry; without it, the delivery fails and comes back later.
    if (!fee) throw new Error(`payment ${event.paymentId} has no journal entry yet: its fee is not known`);
    if (fee.feeMinor <= 0) return null;
    const description = `Platform fee on payment ${event.paymentId}`;
    const lines = invoiceLines(fee.feeMinor, description, [], this.deps.vatRateBps);
    return this.deps.store.issue(
      this.draft(event, feeSource(event.paymentId), 'INVOICE', description, lines, await this.centre(event)),
      this.now,
    );
  }

  /** Credit notes for the fee that refunds reversed so far. */
  async creditNotesFor(event: PaymentEvent): Promise<InvoiceDocument[]> {
    const invoice = await this.invoiceFor(event);
    if (!invoice) return [];
    const refunded = Math.min(event.refundedMinor, event.amountMinor);
    const reversed = mulDivHalfUp(invoice.grossMinor, refunded, event.amountMinor);
    if (reversed <= 0) return [];
    const steps = await this.deps.credits.raise(feeSource(event.paymentId), reversed);
    const notes: InvoiceDocument[] = [];
    let before = 0;
    for (const total of steps) {
      const amount = total - before;
      before = total;
      const description = `Refund of ${invoice.number!.display}`;
      const lines = creditLines(amount, invoice, description, invoice.vatRateBps);
      notes.push(
        await this.deps.store.issue(
          {
            ...this.draft(
              event,
              feeCreditSource(event.paymentId, total),
              'CREDIT_NOTE',
              description,
              lines,
              invoice.customer,
            ),
            creditsInvoiceId: invoice._id,
          },
          this.now,
        ),
      );
    }
    return notes;
  }

  private async centre(event: PaymentEvent): Promise<Party> {
    const [centre] = await this.deps.centres.profiles([event.centreId]).catch((err: unknown) => {
      this.deps.logger.warn(
        { err, centreId: event.centreId },
        'payments: centre profile unavailable for a fee invoice',
      );
      return [];
    });
    return { id: event.centreId, name: centre?.name ?? `Centre ${event.centreId}`, address: centre?.address ?? null };
  }

  private draft(
    event: PaymentEvent,
    source: string,
    kind: DraftInput['kind'],
    description: string,
    lines: ReturnType<typeof invoiceLines>,
    centre: Party,
  ): DraftInput {
    return {
      source,
      kind,
      issuer: PLATFORM_PARTY,
      customer: centre,
      issuerId: PLATFORM_ISSUER_ID,
      customerId: event.centreId,
      paymentId: event.paymentId,
      subjectKind: event.subjectKind,
      subjectId: event.subjectId,
      description,
      currency: event.currency,
      vatRateBps: this.deps.vatRateBps,
      lines,
      ...totalsOf(lines),
      creditsInvoiceId: null,
      createdAt: this.now(),
    };
  }
}
