import type { Collection, Db } from 'mongodb';
import type { TrafficMinute } from './gateway-metrics.board.js';

interface MinuteDocument extends Omit<TrafficMinute, 'start'> {
  /** The minute's start, epoch ms. */
  _id: number;
}

const FIELDS = [
  'requests',
  'serverErrors',
  'unavailable',
  'rateLimited',
  'forbidden',
  'authenticatedRateLimited',
  'authenticatedForbidden',
] as const;

/**
 * The gateways' per-minute traffic totals, kept so that an agents instance that starts (or
 * restarts) has the last hours at once: the throughput baseline needs half an hour of history,
 * the long burn-rate windows hours. Every instance saves the minutes it saw; `$max` keeps the
 * fullest count of a minute (an instance that started during it saw only part). Only `_id` is
 * queried, so the `_id` index serves every query.
 */
export class TrafficMinuteStore {
  static readonly collection = 'traffic_minutes';
  private readonly minutes: Collection<MinuteDocument>;

  constructor(db: Db) {
    this.minutes = db.collection<MinuteDocument>(TrafficMinuteStore.collection);
  }

  init(): Promise<void> {
    return Promise.resolve();
  }

  /** Saves whole minutes, and forgets those before `keepFrom`. */
  async save(minutes: readonly TrafficMinute[], keepFrom: number): Promise<void> {
    if (minutes.length)
      await this.minutes.bulkWrite(
        minutes.map(({ start, ...figures }) => ({
          updateOne: {
            filter: { _id: start },
            update: { $max: Object.fromEntries(FIELDS.map((f) => [f, figures[f]])) as Partial<MinuteDocument> },
            upsert: true,
          },
        })),
        { ordered: false },
      );
    await this.minutes.deleteMany({ _id: { $lt: keepFrom } });
  }

  async since(from: number): Promise<TrafficMinute[]> {
    const docs = await this.minutes
      .find({ _id: { $gte: from } })
      .sort({ _id: 1 })
      .toArray();
    return docs.map(({ _id, ...figures }) => ({
      start: _id,
      ...(Object.fromEntries(FIELDS.map((f) => [f, figures[f] ?? 0])) as Omit<TrafficMinute, 'start'>),
    }));
  }
}
