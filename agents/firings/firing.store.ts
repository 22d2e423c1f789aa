import { ObjectId, type Collection, type Db, type Filter } from 'mongodb';
import { paginate, type PageArgs } from '../../platform/graphql/pagination.js';
import { ensureIndexes, type IndexDeclaration } from '../../platform/mongo/indexes.js';
import type { AutonomousModeValue } from '../settings.js';
import type { TriggerCategory, TriggerKind } from '../triggers/categories.js';
import type { FiringDraft } from './evaluate.js';
import { isDuplicateKey } from '../../platform/mongo/duplicate-key.js';

export interface FiringDocument {
  _id: ObjectId;
  dedupKey: string;
  kind: TriggerKind;
  category: TriggerCategory;
  metric: string;
  subject: string;
  value: number;
  threshold: number;
  firedAt: Date;
  mode: AutonomousModeValue;
  decisionId: string | null;
}

export const FIRING_INDEXES: IndexDeclaration[] = [
  { key: { dedupKey: 1 }, options: { unique: true } },
  { key: { kind: 1, _id: -1 } },
];

export class FiringStore {
  static readonly collection = 'trigger_firings';
  private readonly firings: Collection<FiringDocument>;

  constructor(db: Db) {
    this.firings = db.collection<FiringDocument>(FiringStore.collection);
  }

  init(): Promise<void> {
    return ensureIndexes(this.firings, FIRING_INDEXES);
  }

  /** Records a firing once per dedup key; null when it was recorded already (a retried or concurrent tick). */
  async record(draft: FiringDraft, mode: AutonomousModeValue): Promise<FiringDocument | null> {
    const doc: FiringDocument = {
      _id: new ObjectId(),
      ...draft,
      firedAt: new Date(draft.firedAt),
      mode,
      decisionId: null,
    };
    try {
      await this.firings.insertOne(doc);
      return doc;
    } catch (error) {
      if (isDuplicateKey(error)) return null;
      throw error;
    }
  }

  async linkDecision(firingId: ObjectId, decisionId: string): Promise<void> {
    await this.firings.updateOne({ _id: firingId }, { $set: { decisionId } });
  }

  /** `kind` must already be validated as a trigger kind. */
  list(kind: TriggerKind | undefined, page: PageArgs) {
    const filter: Filter<FiringDocument> = kind ? { kind } : {};
    return paginate(this.firings, filter, page, toFiring);
  }

  count(): Promise<number> {
    return this.firings.estimatedDocumentCount();
  }
}

export const toFiring = (doc: FiringDocument) => ({
  id: doc._id.toHexString(),
  kind: doc.kind,
  category: doc.category,
  metric: doc.metric,
  subject: doc.subject,
  value: doc.value,
  threshold: doc.threshold,
  firedAt: doc.firedAt,
  mode: doc.mode,
  decisionId: doc.decisionId,
});
