import type { Collection, Db, Filter, ObjectId } from 'mongodb';
import { paginate, type Connection, type PageArgs } from '../../platform/graphql/pagination.js';
import { ensureIndexes, type IndexDeclaration } from '../../platform/mongo/indexes.js';
import { TRIGGER_CATEGORIES, type TriggerCategory } from '../triggers/categories.js';
import { DECISION_STATUSES, type DecisionDocument, type DecisionStatusValue } from './decision.document.js';

/** A validated filter (see decision-filter.ts); only this store turns it into a query. */
export interface DecisionQuery {
  memberId?: string;
  status?: DecisionStatusValue;
  category?: TriggerCategory;
  from?: Date;
  to?: Date;
}

/** Each list filter with the newest-first order lists use; `createdAt` serves from/to counts. */
export const DECISION_INDEXES: IndexDeclaration[] = [
  { key: { memberId: 1, _id: -1 } },
  { key: { status: 1, _id: -1 } },
  { key: { category: 1, _id: -1 } },
  { key: { createdAt: -1 } },
  // The figures: outcomes judged, and the AI spend (only decisions that cost anything).
  { key: { 'outcome.success': 1 } },
  { key: { costUsd: 1 } },
  // Waiting decisions: those to look at again, and those past their time.
  { key: { status: 1, pendingUntil: 1 } },
];

/** The decision history: it only grows, so every list and count goes through an index. */
export class DecisionStore {
  static readonly collection = 'decisions';
  private readonly decisions: Collection<DecisionDocument>;

  constructor(db: Db) {
    this.decisions = db.collection<DecisionDocument>(DecisionStore.collection);
  }

  init(): Promise<void> {
    return ensureIndexes(this.decisions, DECISION_INDEXES);
  }

  async insert(doc: DecisionDocument): Promise<void> {
    await this.decisions.insertOne(doc);
  }

  /** Bulk loading (imports, benchmarks). */
  async insertMany(docs: DecisionDocument[]): Promise<void> {
    if (docs.length > 0) await this.decisions.insertMany(docs);
  }

  findById(id: ObjectId): Promise<DecisionDocument | null> {
    return this.decisions.findOne({ _id: id });
  }

  list(query: DecisionQuery, page: PageArgs): Promise<Connection<DecisionDocument>> {
    const filter: Filter<DecisionDocument> = {};
    if (query.memberId) filter.memberId = query.memberId;
    if (query.status) filter.status = query.status;
    if (query.category) filter.category = query.category;
    if (query.from || query.to) {
      filter.createdAt = { ...(query.from ? { $gte: query.from } : {}), ...(query.to ? { $lt: query.to } : {}) };
    }
    return paginate(this.decisions, filter, page, (doc) => doc);
  }

  /** Moves a decision on from one of `from`, in one atomic update; null when it is in none of them (any more). */
  transition(
    id: ObjectId,
    from: readonly DecisionStatusValue[],
    set: Partial<DecisionDocument>,
  ): Promise<DecisionDocument | null> {
    return this.decisions.findOneAndUpdate(
      { _id: id, status: { $in: [...from] } },
      { $set: set },
      { returnDocument: 'after' },
    );
  }

  /** Waiting decisions (APPROVAL_REQUIRED, or PROPOSED and held back) whose time is up. */
  pastPending(now: Date, limit: number): Promise<DecisionDocument[]> {
    return this.decisions
      .find({ status: { $in: ['APPROVAL_REQUIRED', 'PROPOSED'] }, pendingUntil: { $lte: now } })
      .sort({ pendingUntil: 1 })
      .limit(limit)
      .toArray();
  }

  /** PROPOSED decisions held back (DRY_RUN, budget, mode) that may still act, oldest first. */
  held(now: Date, limit: number): Promise<DecisionDocument[]> {
    return this.decisions
      .find({ status: 'PROPOSED', pendingUntil: { $gt: now }, heldBy: { $in: ['DRY_RUN', 'BUDGET', 'MODE'] } })
      .sort({ pendingUntil: 1 })
      .limit(limit)
      .toArray();
  }

  countWithStatus(status: DecisionStatusValue): Promise<number> {
    return this.decisions.countDocuments({ status });
  }

  /** How many decisions have each value of `field` (values with none left out): one indexed count per value. */
  async countBy(field: 'status' | 'category'): Promise<Array<{ key: string; count: number }>> {
    const values: readonly string[] = field === 'status' ? DECISION_STATUSES : TRIGGER_CATEGORIES;
    const counts = await Promise.all(values.map((value) => this.decisions.countDocuments({ [field]: value })));
    return values
      .map((key, i) => ({ key, count: counts[i] }))
      .filter((c) => c.count > 0)
      .sort((a, b) => a.key.localeCompare(b.key));
  }

  /** Plain counts rather than conditional accumulators, which not every MongoDB-compatible server runs. */
  async totals(): Promise<{ decisions: number; evaluated: number; successes: number; costUsd: number }> {
    const [decisions, evaluated, successes, cost] = await Promise.all([
      this.decisions.estimatedDocumentCount(),
      // Every judged outcome says whether it succeeded.
      this.decisions.countDocuments({ 'outcome.success': { $in: [true, false] } }),
      this.decisions.countDocuments({ 'outcome.success': true }),
      this.decisions
        .aggregate<{ total: number }>([
          { $match: { costUsd: { $gt: 0 } } },
          { $group: { _id: null, total: { $sum: '$costUsd' } } },
        ])
        .toArray(),
    ]);
    return { decisions, evaluated, successes, costUsd: cost[0]?.total ?? 0 };
  }
}
