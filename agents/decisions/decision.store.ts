import type { Collection, Db, Filter, ObjectId } from 'mongodb';
import { paginate, type Connection, type PageArgs } from '../../platform/graphql/pagination.js';
import { ensureIndexes, type IndexDeclaration } from '../../platform/mongo/indexes.js';
import type { TriggerCategory } from '../triggers/categories.js';
import type { DecisionDocument, DecisionStatusValue } from './decision.document.js';

/** A validated filter (see decision-filter.ts); only this store turns it into a query. */
export interface DecisionQuery {
  memberId?: string;
  status?: DecisionStatusValue;
  category?: TriggerCategory;
  from?: Date;
  to?: Date;
}

/** What lists filter and count on: one small document per decision, same _id. */
interface DecisionEntry {
  _id: ObjectId;
  memberId: string;
  status: DecisionStatusValue;
  category: TriggerCategory;
  createdAt: Date;
}

export const DECISION_ENTRY_INDEXES: IndexDeclaration[] = [
  { key: { memberId: 1, _id: -1 } },
  { key: { status: 1, _id: -1 } },
  { key: { category: 1, _id: -1 } },
  { key: { createdAt: -1 } },
];

const entryOf = (doc: DecisionDocument): DecisionEntry => ({
  _id: doc._id,
  memberId: doc.memberId,
  status: doc.status,
  category: doc.category,
  createdAt: doc.createdAt,
});

/**
 * Decisions are kept whole in `decisions` and summarised in `decision_entries`, which pages,
 * filters and counts read before fetching the page's decisions by id. The history only grows,
 * and a server that cannot push filters down to an index (FerretDB) would otherwise read
 * every full decision for each page; on MongoDB it costs one small extra write per change.
 * Decisions are written before their entry, so a crash in between hides one from lists, never
 * lists one that does not exist.
 */
export class DecisionStore {
  static readonly collection = 'decisions';
  static readonly entriesCollection = 'decision_entries';
  private readonly decisions: Collection<DecisionDocument>;
  private readonly entries: Collection<DecisionEntry>;

  constructor(db: Db) {
    this.decisions = db.collection<DecisionDocument>(DecisionStore.collection);
    this.entries = db.collection<DecisionEntry>(DecisionStore.entriesCollection);
  }

  init(): Promise<void> {
    return ensureIndexes(this.entries, DECISION_ENTRY_INDEXES);
  }

  async insert(doc: DecisionDocument): Promise<void> {
    await this.decisions.insertOne(doc);
    await this.entries.insertOne(entryOf(doc));
  }

  /** Bulk loading (imports, benchmarks). */
  async insertMany(docs: DecisionDocument[]): Promise<void> {
    if (docs.length === 0) return;
    await this.decisions.insertMany(docs);
    await this.entries.insertMany(docs.map(entryOf));
  }

  findById(id: ObjectId): Promise<DecisionDocument | null> {
    return this.decisions.findOne({ _id: id });
  }

  async list(query: DecisionQuery, page: PageArgs): Promise<Connection<DecisionDocument>> {
    const filter: Filter<DecisionEntry> = {};
    if (query.memberId) filter.memberId = query.memberId;
    if (query.status) filter.status = query.status;
    if (query.category) filter.category = query.category;
    if (query.from || query.to) {
      filter.createdAt = { ...(query.from ? { $gte: query.from } : {}), ...(query.to ? { $lt: query.to } : {}) };
    }
    const connection = await paginate(this.entries, filter, page, (entry) => entry._id);
    // One lookup per id: an equality on _id is what every server answers from its index.
    const docs = await Promise.all(connection.edges.map((e) => this.findById(e.node)));
    const edges = connection.edges.flatMap((e, i) => (docs[i] ? [{ cursor: e.cursor, node: docs[i] }] : []));
    return { ...connection, edges };
  }

  /**
   * Moves a decision on from one of `from`; null when it is no longer there. Races between
   * callers are settled before, by a claim (ClaimStore), so the status is checked on the
   * document read by `_id` rather than in the update's filter: FerretDB answers a filter of
   * `_id` alone from its index and scans the whole history for anything more.
   */
  async transition(
    id: ObjectId,
    from: readonly DecisionStatusValue[],
    set: Partial<DecisionDocument>,
  ): Promise<DecisionDocument | null> {
    const current = await this.findById(id);
    if (!current || !from.includes(current.status)) return null;
    const updated = await this.decisions.findOneAndUpdate({ _id: id }, { $set: set }, { returnDocument: 'after' });
    if (updated && set.status) await this.entries.updateOne({ _id: id }, { $set: { status: set.status } });
    return updated;
  }

  countWithStatus(status: DecisionStatusValue): Promise<number> {
    return this.entries.countDocuments({ status });
  }

  async countBy(field: 'status' | 'category'): Promise<Array<{ key: string; count: number }>> {
    const rows = await this.entries
      .aggregate<{ _id: string; n: number }>([{ $group: { _id: `$${field}`, n: { $sum: 1 } } }])
      .toArray();
    return rows.map((r) => ({ key: String(r._id), count: r.n })).sort((a, b) => a.key.localeCompare(b.key));
  }

  /** Plain counts rather than conditional accumulators, which not every MongoDB-compatible server runs. */
  async totals(): Promise<{ decisions: number; evaluated: number; successes: number; costUsd: number }> {
    const [decisions, evaluated, successes, cost] = await Promise.all([
      this.decisions.countDocuments({}),
      this.decisions.countDocuments({ outcome: { $ne: null } }),
      this.decisions.countDocuments({ 'outcome.success': true }),
      this.decisions.aggregate<{ total: number }>([{ $group: { _id: null, total: { $sum: '$costUsd' } } }]).toArray(),
    ]);
    return { decisions, evaluated, successes, costUsd: cost[0]?.total ?? 0 };
  }
}
