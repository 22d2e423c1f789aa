import { ObjectId } from 'mongodb';
import type { Viewer } from '../../../platform/auth/viewer.js';
import { ForbiddenError, NotFoundError } from '../../../platform/errors.js';
import type { Connection, PageArgs } from '../../../platform/graphql/pagination.js';
import { toObjectId } from '../../../platform/mongo/object-id.js';
import type { Logger } from '../../../platform/logger.js';
import type { PaymentEvent } from '../contract.js';
import type { Payables } from '../payables/payables.js';
import type { CentreDirectory } from './centre-directory.js';
import type { CreditStore } from './credit.store.js';
import type { CustomerNames } from './customer-names.js';
import { creditLines, invoiceLines, totalsOf } from './invoice-math.js';
import type { InvoiceDocument, Party } from './invoice.document.js';
import { renderInvoicePdf } from './invoice.pdf.js';
import { InvoiceStore, type InvoiceScope } from './invoice.store.js';

export const invoiceSource = (paymentId: string) => `payment:${paymentId}`;
export const creditSource = (paymentId: string, refundedMinor: number) => `refund:${paymentId}:${refundedMinor}`;

/** Who is reading: staff see every invoice, others their own as customer and their centres' as partner. */
const STAFF_ROLES = ['ADMIN', 'STAFF'];

/**
 * Issues invoices and credit notes from payments' own events and serves them to their readers.
 * The issuer is the centre that sold the parts or the service, the customer the other party (the
 * platform's fee is invoiced to the centre: fee-invoices.ts).
 */
export class InvoiceService {
  constructor(
    private readonly deps: {
      store: InvoiceStore;
      credits: CreditStore;
      payables: Payables;
      centres: CentreDirectory;
      /** The customer's name on the invoice; without it, the customer is named by account id. */
      customers?: CustomerNames;
      vatRateBps: number;
      logger: Logger;
      now?: () => Date;
    },
  ) {}

  private readonly now = () => this.deps.now?.() ?? new Date();

  /** The invoice for a succeeded payment (idempotent: the same invoice however often it is asked). */
  async invoiceFor(event: PaymentEvent): Promise<InvoiceDocument> {
    const { store } = this.deps;
    const existing = await store.bySource(invoiceSource(event.paymentId));
    if (existing?.number) return existing;
    const payable = await this.deps.payables.payable(event.subjectKind, event.subjectId).catch((err: unknown) => {
      // The lines are a courtesy: without the marketplace the invoice still has its amount.
      this.deps.logger.warn({ err, paymentId: event.paymentId }, 'payments: payable unavailable; invoicing the amount');
      return null;
    });
    const description = payable?.description || `${event.subjectKind.toLowerCase()} ${event.subjectId}`;
    const lines = invoiceLines(
      event.amountMinor,
      description,
      payable?.currency === event.currency ? payable.lines : [],
      this.deps.vatRateBps,
    );
    return store.issue(
      {
        source: invoiceSource(event.paymentId),
        kind: 'INVOICE',
        ...(await this.parties(event)),
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
      },
      this.now,
    );
  }

  /** The credit notes for a payment's refunds so far: one per rise of the refunded total. */
  async creditNotesFor(event: PaymentEvent): Promise<InvoiceDocument[]> {
    if (event.refundedMinor <= 0) return [];
    const invoice = await this.invoiceFor(event);
    const steps = await this.deps.credits.raise(event.paymentId, Math.min(event.refundedMinor, invoice.grossMinor));
    const notes: InvoiceDocument[] = [];
    let before = 0;
    for (const total of steps) {
      const amount = total - before;
      before = total;
      const existing = await this.deps.store.bySource(creditSource(event.paymentId, total));
      if (existing?.number) {
        notes.push(existing);
        continue;
      }
      const lines = creditLines(amount, invoice, `Refund of ${invoice.number!.display}`, invoice.vatRateBps);
      notes.push(
        await this.deps.store.issue(
          {
            source: creditSource(event.paymentId, total),
            kind: 'CREDIT_NOTE',
            issuer: invoice.issuer,
            customer: invoice.customer,
            issuerId: invoice.issuerId,
            customerId: invoice.customerId,
            paymentId: event.paymentId,
            subjectKind: event.subjectKind,
            subjectId: event.subjectId,
            description: `Refund of ${invoice.number!.display}`,
            currency: invoice.currency,
            vatRateBps: invoice.vatRateBps,
            lines,
            ...totalsOf(lines),
            creditsInvoiceId: invoice._id,
            createdAt: this.now(),
          },
          this.now,
        ),
      );
    }
    return notes;
  }

  private async parties(
    event: PaymentEvent,
  ): Promise<{ issuer: Party; customer: Party; issuerId: string; customerId: string }> {
    // The parties are a courtesy of their owners: without them the invoice still names them by id.
    const [[centre], customerName] = await Promise.all([
      this.deps.centres.profiles([event.centreId]).catch((err: unknown) => {
        this.deps.logger.warn({ err, centreId: event.centreId }, 'payments: centre profile unavailable for an invoice');
        return [];
      }),
      (this.deps.customers?.nameOf(event.customerId) ?? Promise.resolve(null)).catch((err: unknown) => {
        this.deps.logger.warn({ err }, 'payments: customer name unavailable for an invoice');
        return null;
      }),
    ]);
    return {
      issuer: {
        id: event.centreId,
        name: centre?.name ?? `Centre ${event.centreId}`,
        address: centre?.address ?? null,
      },
      customer: { id: event.customerId, name: customerName ?? `Customer ${event.customerId}`, address: null },
      issuerId: event.centreId,
      customerId: event.customerId,
    };
  }

  /** What `viewer` may read. */
  async scopeOf(viewer: Viewer | undefined): Promise<InvoiceScope> {
    if (!viewer || viewer.kind !== 'user') throw new ForbiddenError('Invoices are read with a user account');
    if (viewer.roles.some((r) => STAFF_ROLES.includes(r))) return { all: true };
    // Membership, not the role, makes a partner (a new member's token may not carry PARTNER yet);
    // without the marketplace, someone who is not a partner still reads their own invoices.
    const issuerIds = await this.deps.centres.memberCentres(viewer.userId).catch((error: unknown) => {
      if (viewer.roles.includes('PARTNER')) throw error;
      return [] as string[];
    });
    return { customerId: viewer.userId, issuerIds };
  }

  page(scope: InvoiceScope, args: PageArgs): Promise<Connection<InvoiceDocument>> {
    return this.deps.store.page(scope, args);
  }

  /** One invoice its reader may see; NOT_FOUND for one that does not exist and for someone else's alike. */
  async get(viewer: Viewer | undefined, id: string): Promise<InvoiceDocument> {
    const scope = await this.scopeOf(viewer);
    const _id = toObjectId(id);
    const doc = _id ? await this.deps.store.findById(_id) : null;
    if (!doc || !InvoiceStore.visible(doc, scope)) throw new NotFoundError('Invoice');
    return doc;
  }

  async pdf(viewer: Viewer | undefined, id: string): Promise<{ invoice: InvoiceDocument; pdf: Buffer }> {
    const invoice = await this.get(viewer, id);
    const credited = invoice.creditsInvoiceId
      ? await this.deps.store.findById(new ObjectId(invoice.creditsInvoiceId))
      : null;
    return { invoice, pdf: await renderInvoicePdf(invoice, credited?.number ?? null) };
  }
}
