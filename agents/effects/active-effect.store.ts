import { ObjectId, type Collection, type Db } from 'mongodb';
import { ensureIndexes, type IndexDeclaration } from '../../platform/mongo/indexes.js';
import type { ActionId } from '../actions/catalogue.js';

export type EffectKind = 'rate_limit' | 'log_level' | 'client_block';
/** `ended`: by an admin (endEffect); `kill_switch`: the mode was set to OFF. */
export type RevertReason = 'expired' | 'rollback' | 'superseded' | 'ended' | 'kill_switch';

/** A temporary change in force: what a reversible action did, and when it ends. */
export interface ActiveEffectDocument {
  _id: ObjectId;
  decisionId: string;
  action: ActionId;
  kind: EffectKind;
  /** The rate-limit scope, the service, or the blocked client as `<kind>:<id>`. */
  target: string;
  /** The limit factor, the log level, or `blocked`. */
  value: string;
  appliedAt: Date;
  expiresAt: Date;
  revertedAt: Date | null;
  revertReason: RevertReason | null;
  /** The admin who ended it (endEffect, or the kill switch). */
  endedBy?: string | null;
}

export const ACTIVE_EFFECT_INDEXES: IndexDeclaration[] = [
  { key: { kind: 1, target: 1, _id: -1 } },
  // Effects in force, newest first; those due to expire are among them.
  { key: { revertedAt: 1, _id: -1 } },
  { key: { decisionId: 1 } },
];

export class ActiveEffectStore {
  static readonly collection = 'active_effects';
  private readonly effects: Collection<ActiveEffectDocument>;

  constructor(db: Db) {
    this.effects = db.collection<ActiveEffectDocument>(ActiveEffectStore.collection);
  }

  init(): Promise<void> {
    return ensureIndexes(this.effects, ACTIVE_EFFECT_INDEXES);
  }

  /** Records a new effect; an earlier one still in force on the same target is superseded. */
  async add(effect: Omit<ActiveEffectDocument, '_id' | 'revertedAt' | 'revertReason'>): Promise<ActiveEffectDocument> {
    await this.effects.updateMany(
      { kind: effect.kind, target: effect.target, revertedAt: null },
      { $set: { revertedAt: effect.appliedAt, revertReason: 'superseded' } },
    );
    const doc: ActiveEffectDocument = { _id: new ObjectId(), ...effect, revertedAt: null, revertReason: null };
    await this.effects.insertOne(doc);
    return doc;
  }

  /** The effect in force on a target, if any. */
  current(kind: EffectKind, target: string, now: Date): Promise<ActiveEffectDocument | null> {
    return this.effects.findOne({ kind, target, revertedAt: null, expiresAt: { $gt: now } }, { sort: { _id: -1 } });
  }

  listActive(now: Date): Promise<ActiveEffectDocument[]> {
    return this.effects
      .find({ revertedAt: null, expiresAt: { $gt: now } })
      .sort({ _id: -1 })
      .toArray();
  }

  dueForExpiry(now: Date): Promise<ActiveEffectDocument[]> {
    return this.effects.find({ revertedAt: null, expiresAt: { $lte: now } }).toArray();
  }

  findById(id: ObjectId): Promise<ActiveEffectDocument | null> {
    return this.effects.findOne({ _id: id });
  }

  forDecision(decisionId: string): Promise<ActiveEffectDocument[]> {
    return this.effects.find({ decisionId: String(decisionId), revertedAt: null }).toArray();
  }

  /**
   * True for the one caller that ends the effect (expiry or rollback), in one atomic conditional
   * update; false for the others, and for an effect already ended (superseded, say).
   */
  async markReverted(id: ObjectId, reason: RevertReason, at: Date, by: string | null = null): Promise<boolean> {
    const { modifiedCount } = await this.effects.updateOne(
      { _id: id, revertedAt: null },
      { $set: { revertedAt: at, revertReason: reason, ...(by ? { endedBy: by } : {}) } },
    );
    return modifiedCount === 1;
  }
}
