import { ObjectId, type Collection, type Db, type Filter } from 'mongodb';
import type { Connection, PageArgs } from '../../../platform/graphql/pagination.js';
import { connectionOf, paginate } from '../../../platform/graphql/pagination.js';
import { insertUnlessTaken } from '../../../platform/mongo/duplicate-key.js';
import { ensureIndexes, type IndexDeclaration } from '../../../platform/mongo/indexes.js';
import { SERIES, type InvoiceDocument } from './invoice.document.js';
import { InvoiceNumbering } from './invoice-numbering.js';

export const INVOICE_INDEXES: IndexDeclaration[] = [
  { key: { source: 1 }, options: { unique: true } },
  { key: { numberKey: 1 }, options: { unique: true } },
  { key: { customerId: 1, _id: -1 } },
  { key: { issuerId: 1, _id: -1 } },
  { key: { paymentId: 1, kind: 1 } },
];

/** Who may see which invoices: everyone's (staff), a customer's own, or those of a partner's centres. */
export type InvoiceScope = { all: true } | { customerId: string; issuerIds: string[] };

export type DraftInput = Omit<InvoiceDocument, '_id' | 'number' | 'numberKey' | 'issuedAt'>;

export class InvoiceStore {
  static readonly collection = 'invoices';
  readonly invoices: Collection<InvoiceDocument>;
  readonly numbering: InvoiceNumbering;
  /** Told of each invoice whose draft this instance wrote, once numbered (metrics). */
  onIssued: (doc: InvoiceDocument) => void = () => undefined;

  constructor(db: Db, pauseMs?: number) {
    this.invoices = db.collection<InvoiceDocument>(InvoiceStore.collection);
    this.numbering = new InvoiceNumbering(db, this.invoices, pauseMs);
  }

  init(): Promise<void> {
    return ensureIndexes(this.invoices, INVOICE_INDEXES);
  }

  bySource(source: string): Promise<InvoiceDocument | null> {
    return this.invoices.findOne({ source });
  }

  /**
   * The numbered invoice for `draft.source`: the existing one when a retry (or another instance)
   * made it already, else the draft written now and then numbered. The draft goes in before any
   * number is taken, so a retry finds it and can never take a second number for the same source.
   */
  async issue(draft: DraftInput, now: () => Date): Promise<InvoiceDocument> {
    const _id = new ObjectId();
    const inserted = await insertUnlessTaken(this.invoices, {
      ...draft,
      _id,
      number: null,
      numberKey: `draft:${_id.toHexString()}`,
      issuedAt: null,
    });
    const doc = inserted ? { _id, issuerId: draft.issuerId, kind: draft.kind } : await this.bySource(draft.source);
    if (!doc) throw new Error(`invoice for ${draft.source} neither inserted nor found`);
    const numbered = await this.numbering.number(doc._id, doc.issuerId, SERIES[doc.kind], now().getUTCFullYear(), now);
    if (inserted) this.onIssued(numbered);
    return numbered;
  }

  findById(id: ObjectId): Promise<InvoiceDocument | null> {
    return this.invoices.findOne({ _id: id, number: { $ne: null } });
  }

  /** A payment's numbered invoice and credit notes. */
  ofPayment(paymentId: string): Promise<InvoiceDocument[]> {
    return this.invoices
      .find({ paymentId, number: { $ne: null } })
      .sort({ _id: 1 })
      .toArray();
  }

  async page(scope: InvoiceScope, args: PageArgs): Promise<Connection<InvoiceDocument>> {
    const page = await paginate(this.invoices, filterOf(scope), args, (doc) => doc);
    if (!('all' in scope)) return page;
    // Staff's total is the collection's size from its metadata, not a count of every document:
    // it includes the drafts being numbered at that moment (a handful at most).
    return connectionOf(page.edges, page.pageInfo, () => this.invoices.estimatedDocumentCount());
  }

  /** Whether `scope` may read `doc`: its customer, and a centre's members what the centre issued or was issued (the platform's fee). */
  static visible(doc: InvoiceDocument, scope: InvoiceScope): boolean {
    return (
      'all' in scope ||
      doc.customerId === scope.customerId ||
      scope.issuerIds.includes(doc.issuerId) ||
      scope.issuerIds.includes(doc.customerId)
    );
  }
}

function filterOf(scope: InvoiceScope): Filter<InvoiceDocument> {
  const numbered = { number: { $ne: null } } as Filter<InvoiceDocument>;
  if ('all' in scope) return numbered;
  // A centre's members: what it issued, and what it was issued (the platform's fee invoices).
  const centres = scope.issuerIds.map(String);
  const own = centres.length
    ? { $or: [{ customerId: { $in: [String(scope.customerId), ...centres] } }, { issuerId: { $in: centres } }] }
    : { customerId: String(scope.customerId) };
  return { ...numbered, ...own } as Filter<InvoiceDocument>;
}
