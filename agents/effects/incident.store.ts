import { ObjectId, type Collection, type Db, type Filter } from 'mongodb';
import { paginate, type PageArgs } from '../../platform/graphql/pagination.js';
import type { IndexDeclaration } from '../../platform/mongo/indexes.js';
import { ensureIndexes } from '../../platform/mongo/indexes.js';
import { isDuplicateKey } from '../../platform/mongo/duplicate-key.js';

export const INCIDENT_SEVERITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type IncidentSeverity = (typeof INCIDENT_SEVERITIES)[number];
export const INCIDENT_STATUSES = ['OPEN', 'ACKNOWLEDGED', 'RESOLVED'] as const;
export type IncidentStatusValue = (typeof INCIDENT_STATUSES)[number];

export const severityRank = (s: IncidentSeverity) => INCIDENT_SEVERITIES.indexOf(s);
export const higherSeverity = (a: IncidentSeverity, b: IncidentSeverity) =>
  severityRank(a) >= severityRank(b) ? a : b;

export interface IncidentDocument {
  _id: ObjectId;
  /** `<trigger kind>:<subject>`: at most one incident per key is not yet resolved. */
  key: string;
  /**
   * The key while the incident is open or acknowledged, `<key>#<id>` once resolved: unique,
   * so two instances opening the same incident at once end up with one (no partial indexes
   * needed, which the embedded database lacks).
   */
  openKey: string;
  triggerKind: string | null;
  subject: string | null;
  title: string;
  severity: IncidentSeverity;
  summary: string;
  /** The first decision that opened it (kept for older readers); `decisionIds` has them all. */
  decisionId: string;
  decisionIds: string[];
  /** How many firings it stands for: one, plus one per repeat while it was not resolved. */
  occurrences: number;
  status: IncidentStatusValue;
  openedAt: Date;
  lastSeenAt: Date;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  resolvedAt: Date | null;
  /** An admin's id, or `system` when the condition cleared. */
  resolvedBy: string | null;
  resolution: string | null;
}

export const INCIDENT_INDEXES: IndexDeclaration[] = [
  { key: { status: 1, _id: -1 } },
  { key: { openKey: 1 }, options: { unique: true } },
];

export interface IncidentReport {
  /** Null for incidents that stand for no trigger (each is its own). */
  triggerKind: string | null;
  subject: string | null;
  title: string;
  severity: IncidentSeverity;
  summary: string;
  decisionId: string;
  at: Date;
}

export interface IncidentOpening {
  incident: IncidentDocument;
  /** False when an incident for the same trigger and subject was open already and was updated. */
  created: boolean;
}

/** FerretDB drops nulls and empty arrays given to inserts in some paths; read them back whole. */
const normalise = (doc: IncidentDocument): IncidentDocument => ({
  ...doc,
  decisionIds: doc.decisionIds ?? [doc.decisionId],
  occurrences: doc.occurrences ?? 1,
  key: doc.key ?? doc._id.toHexString(),
  openKey: doc.openKey ?? doc._id.toHexString(),
  triggerKind: doc.triggerKind ?? null,
  subject: doc.subject ?? null,
  lastSeenAt: doc.lastSeenAt ?? doc.openedAt,
  acknowledgedAt: doc.acknowledgedAt ?? null,
  acknowledgedBy: doc.acknowledgedBy ?? null,
  resolvedAt: doc.resolvedAt ?? null,
  resolvedBy: doc.resolvedBy ?? null,
  resolution: doc.resolution ?? null,
});

export const incidentKey = (triggerKind: string, subject: string) => `${triggerKind}:${subject}`;

/**
 * Incident records the team opens for people to follow up: one per trigger and subject until
 * it is resolved (repeats add their decision, count and raise the severity), acknowledged and
 * resolved by admins, and resolved by the loop when the condition that opened it clears.
 */
export class IncidentStore {
  static readonly collection = 'incidents';
  private readonly incidents: Collection<IncidentDocument>;

  constructor(db: Db) {
    this.incidents = db.collection<IncidentDocument>(IncidentStore.collection);
  }

  init(): Promise<void> {
    return ensureIndexes(this.incidents, INCIDENT_INDEXES);
  }

  async open(report: IncidentReport): Promise<IncidentOpening> {
    const id = new ObjectId();
    const key =
      report.triggerKind && report.subject ? incidentKey(report.triggerKind, report.subject) : id.toHexString();
    // An insert that loses to a concurrent one updates the winner instead; a lost update reads again.
    for (let attempt = 0; attempt < 10; attempt++) {
      const existing = await this.findUnresolved(key);
      if (existing) {
        const updated = await this.repeat(existing, report);
        if (updated) return { incident: updated, created: false };
        continue;
      }
      const doc: IncidentDocument = {
        _id: id,
        key,
        openKey: key,
        triggerKind: report.triggerKind,
        subject: report.subject,
        title: report.title,
        severity: report.severity,
        summary: report.summary,
        decisionId: report.decisionId,
        decisionIds: [report.decisionId],
        occurrences: 1,
        status: 'OPEN',
        openedAt: report.at,
        lastSeenAt: report.at,
        acknowledgedAt: null,
        acknowledgedBy: null,
        resolvedAt: null,
        resolvedBy: null,
        resolution: null,
      };
      try {
        await this.incidents.insertOne(doc);
        return { incident: doc, created: true };
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
    }
    throw new Error(`incident ${key}: could not open or update it`);
  }

  /** A repeat of an unresolved incident: its decision, one more occurrence, never a lower severity. */
  private async repeat(existing: IncidentDocument, report: IncidentReport): Promise<IncidentDocument | null> {
    const severity = higherSeverity(existing.severity, report.severity);
    const decisionIds = existing.decisionIds.includes(report.decisionId)
      ? existing.decisionIds
      : [...existing.decisionIds, report.decisionId];
    const set = { severity, summary: report.summary, lastSeenAt: report.at, decisionIds };
    // Conditional on what was read, so a concurrent repeat or resolution is not overwritten.
    const result = await this.incidents.updateOne(
      { _id: existing._id, openKey: existing.key, occurrences: existing.occurrences },
      { $set: set, $inc: { occurrences: 1 } },
    );
    if (result.modifiedCount !== 1) return null;
    return { ...existing, ...set, occurrences: existing.occurrences + 1 };
  }

  async findUnresolved(key: string): Promise<IncidentDocument | null> {
    const doc = await this.incidents.findOne({ openKey: key });
    return doc ? normalise(doc) : null;
  }

  async findById(id: ObjectId): Promise<IncidentDocument | null> {
    const doc = await this.incidents.findOne({ _id: id });
    return doc ? normalise(doc) : null;
  }

  /** OPEN -> ACKNOWLEDGED; null when it was not open (the caller says why). */
  async acknowledge(id: ObjectId, by: string, at: Date): Promise<IncidentDocument | null> {
    const result = await this.incidents.findOneAndUpdate(
      { _id: id, status: 'OPEN' },
      { $set: { status: 'ACKNOWLEDGED', acknowledgedAt: at, acknowledgedBy: by } },
      { returnDocument: 'after' },
    );
    return result ? normalise(result) : null;
  }

  /** OPEN or ACKNOWLEDGED -> RESOLVED; frees the key for the next incident of its trigger. */
  async resolve(id: ObjectId, by: string, resolution: string, at: Date): Promise<IncidentDocument | null> {
    const result = await this.incidents.findOneAndUpdate(
      { _id: id, status: { $in: ['OPEN', 'ACKNOWLEDGED'] } },
      {
        $set: {
          status: 'RESOLVED',
          openKey: `${id.toHexString()}#resolved`,
          resolvedAt: at,
          resolvedBy: by,
          resolution,
        },
      },
      { returnDocument: 'after' },
    );
    return result ? normalise(result) : null;
  }

  /** The loop's side: the conditions behind these keys cleared, so their incidents are resolved. */
  async resolveCleared(keys: readonly string[], at: Date): Promise<IncidentDocument[]> {
    const resolved: IncidentDocument[] = [];
    for (const key of new Set(keys)) {
      const open = await this.findUnresolved(key);
      if (!open) continue;
      const done = await this.resolve(open._id, 'system', 'the condition cleared', at);
      if (done) resolved.push(done);
    }
    return resolved;
  }

  /** `status` must already be validated. */
  list(page: PageArgs, status?: IncidentStatusValue) {
    const filter: Filter<IncidentDocument> = status ? { status } : {};
    return paginate(this.incidents, filter, page, (doc) => toIncidentView(normalise(doc)));
  }
}

export const toIncidentView = ({ _id, openKey: _openKey, ...rest }: IncidentDocument) => ({
  id: _id.toHexString(),
  ...rest,
});
