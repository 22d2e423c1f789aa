import type { Collection, Db } from 'mongodb';
import { findManyById } from '../../../platform/mongo/find-many-by-id.js';
import { ensureIndexes, type IndexDeclaration } from '../../../platform/mongo/indexes.js';
import type { AlertDocument, AlertStatus, AlertStatusChange } from './alert.store.js';
import { insertUnlessTaken } from '../../../platform/mongo/duplicate-key.js';

/** What happens to an alert after it opens, in the only order it can happen. */
export const LATER_STATUSES = ['ACKNOWLEDGED', 'RESOLVED'] as const satisfies readonly AlertStatus[];
export type LaterStatus = (typeof LATER_STATUSES)[number];

/** `_id: <alertId>:<status>`: each change is recorded once, by whichever writer inserts it first. */
interface TransitionDocument {
  _id: string;
  alertId: string;
  status: LaterStatus;
  at: Date;
  by: string | null;
}

/** The fields of an alert that its transitions decide. */
export type DerivedFields = Pick<
  AlertDocument,
  'status' | 'acknowledgedAt' | 'acknowledgedBy' | 'resolvedAt' | 'history'
>;

const transitionId = (alertId: string, status: LaterStatus) => `${alertId}:${status}`;

/** The alert's status and history from what happened to it: RESOLVED outranks ACKNOWLEDGED outranks OPEN. */
export function derive(openedAt: Date, transitions: readonly TransitionDocument[]): DerivedFields {
  const find = (status: LaterStatus) => transitions.find((t) => t.status === status);
  const acknowledged = find('ACKNOWLEDGED');
  const resolved = find('RESOLVED');
  const history: AlertStatusChange[] = [{ status: 'OPEN', at: openedAt, by: null }];
  if (acknowledged) history.push({ status: 'ACKNOWLEDGED', at: acknowledged.at, by: acknowledged.by });
  if (resolved) history.push({ status: 'RESOLVED', at: resolved.at, by: resolved.by });
  return {
    status: resolved ? 'RESOLVED' : acknowledged ? 'ACKNOWLEDGED' : 'OPEN',
    acknowledgedAt: acknowledged?.at ?? null,
    acknowledgedBy: acknowledged?.by ?? null,
    resolvedAt: resolved?.at ?? null,
    history,
  };
}

/** Retention deletes an alert's transitions with it; reads go by `_id`. */
export const ALERT_TRANSITION_INDEXES: IndexDeclaration[] = [{ key: { alertId: 1 } }];

/**
 * Alert changes as inserts, one document per change. Two writers can change one alert at
 * once (instances finishing different state versions' effects), in either order, and both
 * changes must survive, ranked (RESOLVED outranks ACKNOWLEDGED) with the history in that
 * order whatever order they landed in. One conditional update cannot say that: an
 * acknowledgement must not set the status of an alert resolved meanwhile, yet must still be
 * recorded, which takes a status computed from the document (an update pipeline, outside the
 * subset both databases serve). Inserts of distinct `_id`s never collide, and the alert's own
 * fields are derived from all of them (AlertStore).
 */
export class AlertTransitionStore {
  static readonly collection = 'alert_transitions';
  private readonly transitions: Collection<TransitionDocument>;

  constructor(db: Db) {
    this.transitions = db.collection<TransitionDocument>(AlertTransitionStore.collection);
  }

  init(): Promise<void> {
    return ensureIndexes(this.transitions, ALERT_TRANSITION_INDEXES);
  }

  /** True when this call recorded the change, false when it was recorded before. */
  record(alertId: string, status: LaterStatus, at: Date, by: string | null): Promise<boolean> {
    return insertUnlessTaken(this.transitions, { _id: transitionId(alertId, status), alertId, status, at, by });
  }

  /** Everything recorded for the alert: one `$in` of its possible `_id`s. */
  async of(alertId: string): Promise<TransitionDocument[]> {
    const docs = await findManyById(
      this.transitions,
      LATER_STATUSES.map((status) => transitionId(alertId, status)),
    );
    return docs.filter((d) => d !== null);
  }

  async deleteFor(alertIds: readonly string[]): Promise<void> {
    if (alertIds.length > 0) await this.transitions.deleteMany({ alertId: { $in: [...alertIds] } });
  }
}
