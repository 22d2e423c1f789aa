import type { Collection, Db } from 'mongodb';
import { ensureIndexes, type IndexDeclaration } from '../../platform/mongo/indexes.js';

/**
 * The health subgraph's alert events as they arrive on the `health.alerts` stream (contract in
 * subgraphs/health/alerts/alert-events.ts). Only the fields the team needs are read.
 */
export const HEALTH_ALERTS_STREAM = 'health.alerts';

export interface HealthAlertEvent {
  id: string;
  vehicleId: string;
  severity: string;
  status: string;
  history?: unknown[];
}

interface AlertEntry {
  _id: string;
  vehicleId: string;
  severity: string;
  status: string;
  /** How many status changes the event carried: an older event never overwrites a newer one. */
  version: number;
  updatedAt: Date;
}

export const ALERT_INDEXES: IndexDeclaration[] = [{ key: { severity: 1, status: 1 } }];

/** What this subgraph knows of health alerts; upserts keyed by the alert id, so redelivery is harmless. */
export class AlertStore {
  static readonly collection = 'health_alerts_seen';
  private readonly alerts: Collection<AlertEntry>;

  constructor(db: Db) {
    this.alerts = db.collection<AlertEntry>(AlertStore.collection);
  }

  init(): Promise<void> {
    return ensureIndexes(this.alerts, ALERT_INDEXES);
  }

  /** True when the event changed what is known. */
  async record(event: HealthAlertEvent, at: Date): Promise<boolean> {
    if (typeof event?.id !== 'string' || typeof event.vehicleId !== 'string') return false;
    const version = Array.isArray(event.history) ? event.history.length : 0;
    const known = await this.alerts.findOne({ _id: event.id });
    if (known && known.version > version) return false;
    await this.alerts.updateOne(
      { _id: event.id },
      {
        $set: {
          vehicleId: event.vehicleId,
          severity: String(event.severity),
          status: String(event.status),
          version,
          updatedAt: at,
        },
      },
      { upsert: true },
    );
    return true;
  }

  countOpenCritical(): Promise<number> {
    return this.alerts.countDocuments({ severity: 'CRITICAL', status: 'OPEN' });
  }

  /** Vehicles with an open critical alert: the only targets owner notifications may have. */
  async criticalVehicles(limit: number): Promise<string[]> {
    const docs = await this.alerts
      .find({ severity: 'CRITICAL', status: 'OPEN' }, { projection: { vehicleId: 1 } })
      .limit(limit * 4)
      .toArray();
    return [...new Set(docs.map((d) => d.vehicleId))].slice(0, limit);
  }
}
