import type { Collection, Db } from 'mongodb';
import type { TriggerCategory } from '../triggers/categories.js';
import type { MemberDefinition } from './team-definitions.js';
import { isDuplicateKey } from '../../platform/mongo/duplicate-key.js';

export interface MemberDocument {
  _id: string;
  name: string;
  role: string;
  responsibilities: string[];
  categories: TriggerCategory[];
  /** Position in the brief's list, for a stable order. */
  rank: number;
  decisionsMade: number;
  outcomes: number;
  successes: number;
  lastDecisionAt: Date | null;
  createdAt: Date;
}

/** Decision pages ask for the member of every row; the team changes slowly. */
const CACHE_MS = 1000;

export class TeamStore {
  private readonly members: Collection<MemberDocument>;
  private cache: { at: number; members: Promise<MemberDocument[]> } | null = null;

  constructor(db: Db) {
    this.members = db.collection<MemberDocument>('team');
  }

  /** Idempotent and race-safe like the goals: the member id is the _id. */
  async seed(team: readonly MemberDefinition[], now: Date): Promise<void> {
    for (const [rank, m] of team.entries()) {
      const doc: MemberDocument = {
        _id: m.id,
        rank,
        name: m.name,
        role: m.role,
        responsibilities: m.responsibilities,
        categories: m.categories,
        decisionsMade: 0,
        outcomes: 0,
        successes: 0,
        lastDecisionAt: null,
        createdAt: now,
      };
      try {
        await this.members.updateOne({ _id: m.id }, { $setOnInsert: doc }, { upsert: true });
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
    }
  }

  list(): Promise<MemberDocument[]> {
    const now = Date.now();
    if (!this.cache || now - this.cache.at > CACHE_MS) {
      // FerretDB drops nulls given to $setOnInsert: a member who never decided comes back without the field.
      const members = this.members
        .find({})
        .sort({ rank: 1 })
        .toArray()
        .then((docs) => docs.map((d) => ({ ...d, lastDecisionAt: d.lastDecisionAt ?? null })));
      members.catch(() => (this.cache = null));
      this.cache = { at: now, members };
    }
    return this.cache.members;
  }

  async findById(id: string): Promise<MemberDocument | null> {
    return (await this.list()).find((m) => m._id === id) ?? null;
  }

  async recordDecision(memberId: string, at: Date): Promise<void> {
    await this.members.updateOne({ _id: memberId }, { $inc: { decisionsMade: 1 }, $set: { lastDecisionAt: at } });
    this.cache = null;
  }

  async recordOutcome(memberId: string, success: boolean): Promise<void> {
    await this.members.updateOne({ _id: memberId }, { $inc: { outcomes: 1, successes: success ? 1 : 0 } });
    this.cache = null;
  }
}
