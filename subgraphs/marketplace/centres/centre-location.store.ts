import type { Collection, Db, Filter, ObjectId } from 'mongodb';
import { isDuplicateKey } from '../../../platform/mongo/duplicate-key.js';
import { ensureIndexes, type IndexDeclaration } from '../../../platform/mongo/indexes.js';
import { CELL_PRECISIONS, cellField, type CellField, type CellPrecision } from '../geo/geohash.js';
import type { LatLng } from '../geo/haversine.js';
import { WEEKDAYS, type Schedule } from './opening-hours.js';
import type { Closure, OpeningHours, ServiceKind } from './centre.type.js';

/**
 * What a nearby search needs of a centre, and nothing else: a whole centre document (services
 * with prices, members, address...) costs several times as much to read and decode, and a search
 * reads every centre in the cells around a point to keep the page's few. Same `_id` as the centre.
 */
export type CentreLocationDocument = Record<CellField, string> & {
  _id: ObjectId;
  location: LatLng;
  serviceKinds: ServiceKind[];
  timezone: string;
  /** The opening hours, compact: `<ISO weekday> <opens> <closes>` for each, comma-separated. */
  hours: string;
  /** The closures' dates, compact: `<from> <to>` for each, comma-separated (the reason is not searched). */
  closed: string;
  /** The centre's `version` this copy was taken at: an older copy never replaces a newer one. */
  version: number;
};

/** The fields of a centre a location copies (a CentreDocument has them all). */
export type LocatedCentre = Omit<CentreLocationDocument, 'serviceKinds' | 'hours' | 'closed'> &
  Schedule & { services: { kind: ServiceKind }[] };

/** A search reads the locations of a set of geohash cells of one precision (`$in` on that field). */
export const CENTRE_LOCATION_INDEXES: IndexDeclaration[] = CELL_PRECISIONS.map((p) => ({ key: { [cellField(p)]: 1 } }));

export const locationOf = (centre: LocatedCentre): CentreLocationDocument => ({
  _id: centre._id,
  location: { lat: centre.location.lat, lng: centre.location.lng },
  ...(Object.fromEntries(CELL_PRECISIONS.map((p) => [cellField(p), centre[cellField(p)]])) as Record<
    CellField,
    string
  >),
  serviceKinds: [...new Set(centre.services.map((s) => s.kind))],
  timezone: centre.timezone,
  hours: centre.openingHours.map((h) => `${WEEKDAYS.indexOf(h.day) + 1} ${h.opens} ${h.closes}`).join(','),
  closed: centre.closures.map((c) => `${c.from} ${c.to}`).join(','),
  version: centre.version,
});

/** The schedule a location holds, for openAtChecker. */
export function scheduleOf(location: CentreLocationDocument): Schedule {
  const parts = (list: string) => (list ? list.split(',').map((item) => item.split(' ')) : []);
  return {
    timezone: location.timezone,
    openingHours: parts(location.hours).map(([day, opens, closes]): OpeningHours => ({
      day: WEEKDAYS[Number(day) - 1]!,
      opens: opens!,
      closes: closes!,
    })),
    closures: parts(location.closed).map(([from, to]) => ({ from, to }) as Closure),
  };
}

/**
 * The search collection `centre_locations`, kept in step by the centre store: every centre write
 * that changes what a search reads is followed by `follow(centre)`, an idempotent upsert; a crash
 * between the two is repaired by `reconcile` at start-up (DESIGN.md Storage: one document plus
 * idempotent follow-ups).
 */
export class CentreLocationStore {
  static readonly collection = 'centre_locations';
  private readonly locations: Collection<CentreLocationDocument>;

  constructor(db: Db) {
    this.locations = db.collection<CentreLocationDocument>(CentreLocationStore.collection);
  }

  init(): Promise<void> {
    return ensureIndexes(this.locations, CENTRE_LOCATION_INDEXES);
  }

  /**
   * Writes the centre's location unless a copy of the same or a newer version is there: two
   * edits' follow-ups arriving out of order leave the newer one. The filter misses a newer copy,
   * so the upsert tries an insert of an existing `_id`, which is refused: that is the no-op.
   */
  async follow(centre: LocatedCentre): Promise<void> {
    const { _id, ...fields } = locationOf(centre);
    try {
      await this.locations.updateOne({ _id, version: { $lt: fields.version } }, { $set: fields }, { upsert: true });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }

  /** The versions held, by centre id, of the centres among `ids`. */
  async versions(ids: readonly ObjectId[]): Promise<Map<string, number>> {
    const docs = await this.locations
      .find({ _id: { $in: [...ids] } }, { projection: { _id: 1, version: 1 } })
      .toArray();
    return new Map(docs.map((d) => [d._id.toHexString(), d.version]));
  }

  /** The locations in any of `cells` (of one precision), optionally of centres offering `service`. */
  inCells(
    precision: CellPrecision,
    cells: readonly string[],
    service?: ServiceKind,
  ): Promise<CentreLocationDocument[]> {
    const filter: Filter<CentreLocationDocument> = { [cellField(precision)]: { $in: cells.map(String) } };
    if (service) filter.serviceKinds = String(service) as ServiceKind;
    return this.locations.find(filter).toArray();
  }
}
