import type { Collection, Db, Filter } from 'mongodb';
import type { Severity } from '../../../platform/vocabulary/severity.js';
import { BadUserInputError } from '../../../platform/errors.js';
import { pageSize } from '../../../platform/graphql/pagination.js';
import { countMatching } from '../../../platform/mongo/count.js';
import { ensureIndexes, type IndexDeclaration } from '../../../platform/mongo/indexes.js';
import type { OpenedAlert } from '../state-machine/effects.js';
import type { PartName } from '../parts/part.js';
import type { AlertStatus } from '../contract.js';
import { AlertTransitionStore, derive, type LaterStatus } from './alert-transitions.js';
import { isDuplicateKey } from '../../../platform/mongo/duplicate-key.js';

export type { AlertStatus };

export interface AlertStatusChange {
  status: AlertStatus;
  at: Date;
  /** The user who acknowledged; null for what the rules did. */
  by: string | null;
}

/** Unresolved alerts are never deleted; resolved ones are the vehicle's alert history until the retention job deletes them. */
export interface AlertDocument {
  _id: string;
  vehicleId: string;
  rule: string;
  part: PartName | null;
  severity: Severity;
  status: AlertStatus;
  message: string;
  value: number;
  threshold: number;
  openedAt: Date;
  conditionSince: Date;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  resolvedAt: Date | null;
  history: AlertStatusChange[];
}

export const UNRESOLVED: AlertStatus[] = ['OPEN', 'ACKNOWLEDGED'];
/** Most alerts a vehicle's list returns (newest first); older ones stay in the fleet listing. */
export const VEHICLE_ALERTS_LIMIT = 100;

export interface AlertPage {
  items: AlertDocument[];
  hasNextPage: boolean;
  /** Counts every alert the filter matches (not only this page's). */
  count: () => Promise<number>;
}

export const alertCursor = (doc: AlertDocument) =>
  Buffer.from(`${doc.openedAt.getTime()}|${doc._id}`).toString('base64url');

function decodeCursor(cursor: string): { openedAt: Date; id: string } {
  const [time, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const id = rest.join('|');
  const ms = Number(time);
  if (!/^\d{1,15}$/.test(time ?? '') || !Number.isSafeInteger(ms) || id.length === 0 || id.length > 120) {
    throw new BadUserInputError('after is not a valid cursor', 'after');
  }
  return { openedAt: new Date(ms), id };
}

/**
 * What the lists filter on (equalities first), then their sort: a vehicle's alerts, all or of some
 * statuses; the fleet's, all or by status and/or severity; each newest first with `_id` breaking
 * ties, as the keyset cursor reads them.
 */
export const ALERT_INDEXES: IndexDeclaration[] = [
  { key: { vehicleId: 1, openedAt: -1, _id: -1 } },
  { key: { vehicleId: 1, status: 1, openedAt: -1, _id: -1 } },
  { key: { openedAt: -1, _id: -1 } },
  { key: { status: 1, openedAt: -1, _id: -1 } },
  { key: { severity: 1, openedAt: -1, _id: -1 } },
  { key: { status: 1, severity: 1, openedAt: -1, _id: -1 } },
  // The retention job deletes resolved alerts by age across vehicles.
  { key: { status: 1, resolvedAt: 1 } },
];

export class AlertStore {
  static readonly collection = 'alerts';
  private readonly alerts: Collection<AlertDocument>;
  private readonly transitions: AlertTransitionStore;

  constructor(db: Db) {
    this.alerts = db.collection<AlertDocument>(AlertStore.collection);
    this.transitions = new AlertTransitionStore(db);
  }

  async init(): Promise<void> {
    await this.transitions.init();
    await ensureIndexes(this.alerts, ALERT_INDEXES);
  }

  /** Creates the alert unless it exists (the id is deterministic): the new alert, or null when it existed already. */
  async insertOpened(alert: OpenedAlert): Promise<AlertDocument | null> {
    const openedAt = new Date(alert.openedAt);
    const doc: AlertDocument = {
      _id: alert.id,
      vehicleId: alert.vehicleId,
      rule: alert.rule,
      part: alert.part,
      severity: alert.severity,
      status: 'OPEN',
      message: alert.message,
      value: alert.value,
      threshold: alert.threshold,
      openedAt,
      conditionSince: new Date(alert.conditionSince),
      acknowledgedAt: null,
      acknowledgedBy: null,
      resolvedAt: null,
      history: [{ status: 'OPEN', at: openedAt, by: null }],
    };
    try {
      await this.alerts.insertOne(doc);
      return doc;
    } catch (error) {
      if (isDuplicateKey(error)) return null;
      throw error;
    }
  }

  /** The resolved alert, or null when it was resolved already (or never opened). */
  resolve(id: string, at: Date): Promise<AlertDocument | null> {
    return this.change(id, 'RESOLVED', at, null);
  }

  /**
   * The acknowledged alert, or null when it was acknowledged already (or never opened). Whether
   * it may be acknowledged at all is the vehicle state's decision (reduce), made in order with
   * the rules' resolutions.
   */
  acknowledge(id: string, by: string, at: Date): Promise<AlertDocument | null> {
    return this.change(id, 'ACKNOWLEDGED', at, by);
  }

  /**
   * Records the change, then writes the alert's status and history as its recorded changes
   * say, and reads them again: should another writer have recorded one meanwhile, it writes
   * again. Whichever write lands last was made from every change recorded before it, so
   * the alert never ends short of one, on MongoDB or FerretDB.
   */
  private async change(id: string, status: LaterStatus, at: Date, by: string | null): Promise<AlertDocument | null> {
    const current = await this.findById(id);
    if (!current) return null;
    const recorded = await this.transitions.record(current._id, status, at, by);
    let seen = await this.transitions.of(current._id);
    for (;;) {
      const derived = derive(current.openedAt, seen);
      await this.alerts.updateOne({ _id: current._id }, { $set: derived });
      const now = await this.transitions.of(current._id);
      if (now.length === seen.length) return recorded ? { ...current, ...derived } : null;
      seen = now;
    }
  }

  findById(id: string): Promise<AlertDocument | null> {
    return this.alerts.findOne({ _id: String(id) });
  }

  /** The vehicle's alerts, newest first: unresolved ones or, with a status, those in it. */
  forVehicle(vehicleId: string, statuses?: readonly AlertStatus[]): Promise<AlertDocument[]> {
    const filter: Filter<AlertDocument> = { vehicleId: String(vehicleId) };
    if (statuses) filter.status = { $in: [...statuses] };
    return this.alerts.find(filter).sort({ openedAt: -1, _id: -1 }).limit(VEHICLE_ALERTS_LIMIT).toArray();
  }

  /** Alerts opened since `from`, any status: what estimates count. */
  openedSince(vehicleId: string, from: Date): Promise<AlertDocument[]> {
    return this.alerts
      .find({ vehicleId: String(vehicleId), openedAt: { $gte: from } })
      .sort({ openedAt: -1, _id: -1 })
      .limit(VEHICLE_ALERTS_LIMIT)
      .toArray();
  }

  /** Every vehicle's alerts, newest first (staff). */
  async fleet(
    query: { status?: AlertStatus; severity?: Severity },
    page: { first?: number; after?: string },
  ): Promise<AlertPage> {
    const limit = pageSize(page.first);
    const filter: Filter<AlertDocument> = {};
    if (query.status) filter.status = query.status;
    if (query.severity) filter.severity = query.severity;
    let pageFilter = filter;
    if (page.after) {
      const { openedAt, id } = decodeCursor(page.after);
      // The range bounds the index scan; the $or only drops the ties already listed.
      pageFilter = {
        ...filter,
        openedAt: { $lte: openedAt },
        $or: [{ openedAt: { $lt: openedAt } }, { _id: { $lt: id } }],
      };
    }
    const docs = await this.alerts
      .find(pageFilter)
      .sort({ openedAt: -1, _id: -1 })
      .limit(limit + 1)
      .toArray();
    return {
      items: docs.slice(0, limit),
      hasNextPage: docs.length > limit,
      count: () => countMatching(this.alerts, filter),
    };
  }

  /** Deletes alerts resolved before `cutoff` (never an unresolved one, however old); returns how many went. */
  async deleteResolvedBefore(cutoff: Date): Promise<number> {
    const old = { status: 'RESOLVED' as const, resolvedAt: { $lt: cutoff } };
    const ids = (await this.alerts.find(old, { projection: { _id: 1 } }).toArray()).map((d) => d._id);
    const { deletedCount } = await this.alerts.deleteMany(old);
    await this.transitions.deleteFor(ids);
    return deletedCount;
  }
}
