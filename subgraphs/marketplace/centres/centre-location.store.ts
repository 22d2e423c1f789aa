import type { Collection, Db, Filter, ObjectId } from 'mongodb';
import { isDuplicateKey } from '../../../platform/mongo/duplicate-key.js';
import { ensureIndexes, type IndexDeclaration } from '../../../platform/mongo/indexes.js';
import { CELL_PRECISIONS, cellField, type CellField, type CellPrecision } from '../geo/geohash.js';
import type { LatLng } from '../geo/haversine.js';
import { WEEKDAYS, type Schedule } from './opening-hours.js';
import type { Closure, OpeningHours, ServiceKind } from './centre.type.js';

/** A centre as a nearby search reads it: where it is, what it offers, when it is open, its name. */
export interface CentreLocation {
  _id: ObjectId;
  /** Absent from copies written before CENTRE_LOCATION_LAYOUT 2 (reconcile rewrites them). */
  name?: string;
  location: LatLng;
  serviceKinds: ServiceKind[];
  timezone: string;
  /** The opening hours, compact: `<ISO weekday> <opens> <closes>` for each, comma-separated. */
  hours: string;
  /** The closures' dates, compact: `<from> <to>` for each, comma-separated (the reason is not searched). */
  closed: string;
}

/**
 * What a nearby search needs of a centre, and nothing else (`centre_locations`, same `_id` as the
 * centre): a whole centre document (services with prices, members, address...) costs several
 * times as much to read and decode, and a search reads every centre in the cells around a point
 * to keep the page's few. With the name, a page that shows only names, distances, locations and
 * hours is answered from these alone (nearby.service.ts `searchCompact`).
 *
 * Only the cells (which the search's indexes serve) are fields of their own; the rest is one
 * string, `summary`: the embedded database decodes each document it returns field by field, with
 * a type description per field, so one string instead of a location object, a list of service
 * kinds and four strings halves a copy's stored size and takes a third to a half off the
 * database's time per search. Nothing filters on what the summary holds: the search measures
 * and filters every copy in its cells itself.
 */
export type CentreLocationDocument = Record<CellField, string> & {
  _id: ObjectId;
  /** JSON: [name, lat, lng, timezone, service kinds space-separated, hours, closed] (CentreLocation's). */
  summary: string;
  /** The centre's `version` this copy was taken at: an older copy never replaces a newer one. */
  version: number;
  /** CENTRE_LOCATION_LAYOUT when written. */
  layout: number;
};

/** A copy of layout 1 (no name, no layout) or 2 (with the name): one field each, as CentreLocation. */
type UnpackedLocationDocument = Record<CellField, string> & CentreLocation & { version: number; layout?: 1 | 2 };

/**
 * The copies' current layout: bumped whenever what a copy holds changes, so that the start-up
 * reconcile rewrites the copies of an older layout even when their centre has not changed
 * (2: the name; 3: everything but the cells in `summary`). Until then, a copy of any layout reads.
 */
export const CENTRE_LOCATION_LAYOUT = 3;

/** The fields of a centre a location copies (a CentreDocument has them all). */
export type LocatedCentre = Record<CellField, string> &
  Schedule & { _id: ObjectId; name: string; location: LatLng; services: { kind: ServiceKind }[]; version: number };

/** A search reads the locations of a set of geohash cells of one precision (`$in` on that field). */
export const CENTRE_LOCATION_INDEXES: IndexDeclaration[] = CELL_PRECISIONS.map((p) => ({ key: { [cellField(p)]: 1 } }));

export const locationOf = (centre: LocatedCentre): CentreLocationDocument => ({
  _id: centre._id,
  ...(Object.fromEntries(CELL_PRECISIONS.map((p) => [cellField(p), centre[cellField(p)]])) as Record<
    CellField,
    string
  >),
  summary: JSON.stringify([
    centre.name,
    centre.location.lat,
    centre.location.lng,
    centre.timezone,
    [...new Set(centre.services.map((s) => s.kind))].join(' '),
    centre.openingHours.map((h) => `${WEEKDAYS.indexOf(h.day) + 1} ${h.opens} ${h.closes}`).join(','),
    centre.closures.map((c) => `${c.from} ${c.to}`).join(','),
  ]),
  version: centre.version,
  layout: CENTRE_LOCATION_LAYOUT,
});

/** What a stored copy of any layout says. */
export function readLocation(doc: CentreLocationDocument | UnpackedLocationDocument): CentreLocation {
  if (doc.layout !== CENTRE_LOCATION_LAYOUT) {
    const { _id, name, location, serviceKinds, timezone, hours, closed } = doc as UnpackedLocationDocument;
    return { _id, ...(name === undefined ? {} : { name }), location, serviceKinds, timezone, hours, closed };
  }
  const [name, lat, lng, timezone, kinds, hours, closed] = JSON.parse((doc as CentreLocationDocument).summary) as [
    string,
    number,
    number,
    string,
    string,
    string,
    string,
  ];
  const serviceKinds = (kinds ? kinds.split(' ') : []) as ServiceKind[];
  return { _id: doc._id, name, location: { lat, lng }, serviceKinds, timezone, hours, closed };
}

/** The schedule a location holds, for openAtChecker. */
export function scheduleOf(location: CentreLocation): Schedule {
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
   * A copy of an older layout at the same version is rewritten. A replacement, so that no field
   * of an older layout stays behind.
   */
  async follow(centre: LocatedCentre): Promise<void> {
    const copy = locationOf(centre);
    const older = {
      $or: [{ version: { $lt: copy.version } }, { version: copy.version, layout: { $ne: CENTRE_LOCATION_LAYOUT } }],
    };
    try {
      await this.locations.replaceOne({ _id: copy._id, ...older }, copy, { upsert: true });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }

  /** The versions held, by centre id, of the centres among `ids`; -1 for a copy of an older layout. */
  async versions(ids: readonly ObjectId[]): Promise<Map<string, number>> {
    const docs = await this.locations
      .find({ _id: { $in: [...ids] } }, { projection: { _id: 1, version: 1, layout: 1 } })
      .toArray();
    return new Map(docs.map((d) => [d._id.toHexString(), d.layout === CENTRE_LOCATION_LAYOUT ? d.version : -1]));
  }

  /** The locations in any of `cells` (of one precision), optionally of centres offering `service`. */
  async inCells(precision: CellPrecision, cells: readonly string[], service?: ServiceKind): Promise<CentreLocation[]> {
    const filter: Filter<CentreLocationDocument> = { [cellField(precision)]: { $in: cells.map(String) } };
    const found = (await this.locations.find(filter).toArray()).map(readLocation);
    return service ? found.filter((l) => l.serviceKinds.includes(service)) : found;
  }
}
