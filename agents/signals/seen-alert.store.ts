import type { Collection, Db } from 'mongodb';
import { ensureIndexes, type IndexDeclaration } from '../../platform/mongo/indexes.js';
import type { HealthAlertEvent } from '../../subgraphs/health/contract.js';
import { isDuplicateKey } from '../../platform/mongo/duplicate-key.js';
import { SEVERITIES } from '../../platform/vocabulary/severity.js';

interface AlertEntry {
  _id: string;
  vehicleId: string;
  severity: string;
  status: string;
  /** How many status changes the event carried: an older event never overwrites a newer one. */
  version: number;
  updatedAt: Date;
  /** When someone (the owner, or staff) acknowledged it; absent on entries stored before it was kept. */
  acknowledgedAt?: Date | null;
  /** Who acknowledged it (a user id, from the alert's history); absent on entries stored before it was kept. */
  acknowledgedBy?: string | null;
}

/** Open critical alerts, counted and grouped by vehicle. */
export const ALERT_INDEXES: IndexDeclaration[] = [
  { key: { severity: 1, status: 1, vehicleId: 1 } },
  // Whether owners acted on a notification: their vehicles' alerts acknowledged since (action-judges.ts).
  { key: { vehicleId: 1, acknowledgedAt: 1 } },
];

const OPEN_CRITICAL = { severity: 'CRITICAL', status: 'OPEN' } as const;

/**
 * What this subgraph knows of health alerts, from the `health.alerts` stream (health's contract):
 * upserts keyed by the alert id, so redelivery is harmless.
 */
export class SeenAlertStore {
  static readonly collection = 'health_alerts_seen';
  private readonly alerts: Collection<AlertEntry>;

  constructor(db: Db) {
    this.alerts = db.collection<AlertEntry>(SeenAlertStore.collection);
  }

  init(): Promise<void> {
    return ensureIndexes(this.alerts, ALERT_INDEXES);
  }

  /**
   * True when the event changed what is known. One atomic upsert that matches the alert only
   * while what is known is no newer; when it is newer, the upsert's insert collides with the
   * alert's `_id` and nothing changes.
   */
  async record(event: HealthAlertEvent, at: Date): Promise<boolean> {
    const version = event.history.length;
    try {
      await this.alerts.updateOne(
        { _id: event.id, version: { $lte: version } },
        {
          $set: {
            vehicleId: event.vehicleId,
            severity: event.severity,
            status: event.status,
            version,
            updatedAt: at,
            acknowledgedAt: event.acknowledgedAt ? new Date(event.acknowledgedAt) : null,
            acknowledgedBy: event.history.findLast((h) => h.status === 'ACKNOWLEDGED')?.by ?? null,
          },
        },
        { upsert: true },
      );
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  countOpenCritical(): Promise<number> {
    return this.alerts.countDocuments(OPEN_CRITICAL);
  }

  /**
   * Alerts seen and those still OPEN (neither acknowledged nor resolved), for the alerts-handled
   * goal. Filtered on every severity so both counts are served by the (severity, status) index.
   */
  async handling(): Promise<{ seen: number; open: number }> {
    const everySeverity = { $in: [...SEVERITIES] };
    const [seen, open] = await Promise.all([
      this.alerts.countDocuments({ severity: everySeverity }),
      this.alerts.countDocuments({ severity: everySeverity, status: 'OPEN' }),
    ]);
    return { seen, open };
  }

  /** Up to `limit` vehicles with an open critical alert (in id order): the only targets owner notifications may have. */
  async criticalVehicles(limit: number): Promise<string[]> {
    const groups = await this.alerts
      .aggregate<{ _id: string }>([
        { $match: OPEN_CRITICAL },
        { $group: { _id: '$vehicleId' } },
        { $sort: { _id: 1 } },
        { $limit: limit },
      ])
      .toArray();
    return groups.map((g) => g._id);
  }

  /** The alerts of these vehicles acknowledged between `from` and `to`, and by whom (null when not known). */
  async acknowledgementsBetween(
    vehicleIds: readonly string[],
    from: Date,
    to: Date,
  ): Promise<Array<{ vehicleId: string; by: string | null }>> {
    const docs = await this.alerts
      .find(
        { vehicleId: { $in: vehicleIds.map(String) }, acknowledgedAt: { $gte: from, $lte: to } },
        { projection: { vehicleId: 1, acknowledgedBy: 1 } },
      )
      .toArray();
    return docs.map((d) => ({ vehicleId: d.vehicleId, by: d.acknowledgedBy ?? null }));
  }

  /** Which of these vehicles have an open critical alert. */
  async withOpenCritical(vehicleIds: readonly string[]): Promise<Set<string>> {
    const docs = await this.alerts
      .find({ ...OPEN_CRITICAL, vehicleId: { $in: vehicleIds.map(String) } }, { projection: { vehicleId: 1 } })
      .toArray();
    return new Set(docs.map((d) => d.vehicleId));
  }
}
