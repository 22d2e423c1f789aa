import type { Collection, Db } from 'mongodb';
import { ensureIndexes, type IndexDeclaration } from '../../platform/mongo/indexes.js';
import type { OpsAlert } from '../../platform/events/ops-alerts.js';

/** One ops alert as the agents keep it: what happened, where, and when it reached them. */
interface OpsAlertEntry {
  /** The alert's identity (kind, stream, group, event, reason): a redelivered alert is the same entry. */
  _id: string;
  alert: OpsAlert;
  receivedAt: Date;
}

export const OPS_ALERT_INDEXES: IndexDeclaration[] = [{ key: { receivedAt: -1 } }];

/** Kept this long for whoever looks into them; the signal itself looks back an hour. */
const RETENTION_MS = 7 * 24 * 3_600_000;

/** The ops alerts (platform/events/ops-alerts.ts) the agents have received. */
export class OpsAlertStore {
  static readonly collection = 'ops_alerts';
  private readonly alerts: Collection<OpsAlertEntry>;

  constructor(db: Db) {
    this.alerts = db.collection<OpsAlertEntry>(OpsAlertStore.collection);
  }

  init(): Promise<void> {
    return ensureIndexes(this.alerts, OPS_ALERT_INDEXES);
  }

  /** True when the alert is new (redelivery of one already recorded changes nothing). */
  async record(alert: OpsAlert, receivedAt: Date): Promise<boolean> {
    const _id = [alert.kind, alert.stream, alert.group, alert.eventId, alert.reason].join('|');
    const result = await this.alerts.updateOne({ _id }, { $setOnInsert: { alert, receivedAt } }, { upsert: true });
    // Alerts are rare: pruning on arrival keeps the collection bounded without a job of its own.
    if (result.upsertedCount > 0)
      await this.alerts.deleteMany({ receivedAt: { $lt: new Date(receivedAt.getTime() - RETENTION_MS) } });
    return result.upsertedCount > 0;
  }

  countSince(since: Date): Promise<number> {
    return this.alerts.countDocuments({ receivedAt: { $gt: since } });
  }
}
