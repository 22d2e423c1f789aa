import { z } from 'zod';
import { BadUserInputError } from '../../../platform/errors.js';
import { connectionOf, type Connection } from '../../../platform/graphql/pagination.js';
import { parseInput } from '../../../platform/graphql/parse-input.js';
import type { CompactCentre } from '../centres/centre-details.js';
import { geoPointSchema } from '../centres/centre-input.js';
import { scheduleOf, type CentreLocation } from '../centres/centre-location.store.js';
import { toCentre, type CentreStore } from '../centres/centre.store.js';
import type { ServiceCentre, ServiceKind } from '../centres/centre.type.js';
import { openAtChecker } from '../centres/opening-hours.js';
import { coverCircle } from '../geo/geohash.js';
import { haversineKm, type LatLng } from '../geo/haversine.js';
import { compareNearby, decodeNearbyCursor, encodeNearbyCursor } from './nearby-cursor.js';
import type { NearbyMetrics } from './nearby-metrics.js';

export const MAX_RADIUS_KM = 200;
export const MAX_NEARBY_PAGE = 50;
export const DEFAULT_NEARBY_PAGE = 20;

export interface NearbyArgs {
  near: LatLng;
  radiusKm: number;
  service?: ServiceKind | null;
  openAt?: Date | null;
  first?: number | null;
  after?: string | null;
}

const argsSchema = z.object({
  near: geoPointSchema,
  radiusKm: z
    .number()
    .finite()
    .gt(0, 'radiusKm must be more than 0')
    .max(MAX_RADIUS_KM, `radiusKm must be at most ${MAX_RADIUS_KM}`),
  first: z
    .number()
    .int()
    .min(1, `first must be 1 to ${MAX_NEARBY_PAGE}`)
    .max(MAX_NEARBY_PAGE, `first must be 1 to ${MAX_NEARBY_PAGE}`)
    .nullish(),
});

/** The first circle read; it widens until a page is full or it reaches the radius asked for. */
export const FIRST_RING_KM = 2;

/**
 * How much wider the next circle is: wide enough, if centres lie as densely beyond the circle as
 * within it, to hold the `needed` ones (area grows with the square of the radius), with a margin;
 * at least half as wide again, at most four times (an empty circle says little about beyond it).
 */
export const nextRingFactor = (found: number, needed: number) =>
  Math.min(4, Math.max(1.5, Math.sqrt(needed / Math.max(found, 1)) * 1.2));

interface Match {
  doc: CentreLocation;
  distanceKm: number;
  id: string;
}

/**
 * Centres within `radiusKm` of a point, nearest first. A circle is covered with geohash cells of
 * one precision (geo/geohash.ts), the centres' compact locations in those cells are read through
 * the index on that precision's field (centre-location.store.ts), and each is measured exactly
 * (Haversine): the cells only narrow the read, the distance decides. The page is answered from
 * those copies (`searchCompact`); `search` loads the page's whole centres by id. The read starts with a small circle (past the cursor's distance) and
 * widens it (same-precision cells already read are not read again) until it holds a full page or reaches `radiusKm`: every centre within the circle
 * read is found, so a full page from it is the nearest one, and a page near a dense city reads
 * the centres around the point, not all those in the radius. Pages are keyed by (distance, id),
 * so the cursor stays valid while centres are added elsewhere. `totalCount` reads the whole
 * radius, only when a client selects it.
 */
export class NearbyService {
  constructor(
    private readonly centres: CentreStore,
    private readonly metrics?: NearbyMetrics,
  ) {}

  /** The page with whole centres: for callers that read more than a compact centre holds. */
  async search(args: NearbyArgs): Promise<Connection<ServiceCentre>> {
    const page = await this.searchCompact(args);
    // Centres are never deleted, so every location's centre is there.
    const docs = await this.centres.findByIds(page.edges.map((e) => e.node.id));
    const edges = page.edges.flatMap((e, i) =>
      docs[i] ? [{ cursor: e.cursor, node: toCentre(docs[i], e.node.distanceKm) }] : [],
    );
    return {
      edges,
      pageInfo: page.pageInfo,
      get totalCount() {
        return page.totalCount;
      },
    };
  }

  /**
   * The page as the centres' compact copies answer it, without reading a centre: the GraphQL
   * search, whose resolvers load the rest only when a client selects it (centre-details.ts).
   */
  async searchCompact(args: NearbyArgs): Promise<Connection<CompactCentre>> {
    const { near, radiusKm, first } = parseInput(argsSchema, {
      near: args.near,
      radiusKm: args.radiusKm,
      first: args.first,
    });
    if (args.openAt && Number.isNaN(args.openAt.getTime()))
      throw new BadUserInputError('openAt is not a date', 'openAt');
    const after = args.after ? decodeNearbyCursor(args.after) : null;
    const limit = first ?? DEFAULT_NEARBY_PAGE;
    const service = args.service ?? null;
    const isOpen = args.openAt ? openAtChecker(args.openAt) : null;

    let read = 0;
    // What the circles read so far: a wider circle of the same precision reads only its new cells.
    let held: { precision: number; cells: Set<string>; docs: CentreLocation[] } | null = null;
    const within = async (ringKm: number): Promise<Match[]> => {
      const { precision, cells } = coverCircle(near, ringKm);
      if (held?.precision !== precision) held = { precision, cells: new Set(), docs: [] };
      const unread = cells.filter((cell) => !held!.cells.has(cell));
      const candidates = unread.length ? await this.centres.inCells(precision, unread, service ?? undefined) : [];
      read += candidates.length;
      for (const cell of unread) held.cells.add(cell);
      held.docs.push(...candidates);
      return held.docs
        .map((doc) => ({ doc, distanceKm: haversineKm(near, doc.location), id: doc._id.toHexString() }))
        .filter((m) => m.distanceKm <= ringKm)
        .filter((m) => !service || m.doc.serviceKinds.includes(service))
        .filter((m) => !isOpen || isOpen(scheduleOf(m.doc)))
        .sort(compareNearby);
    };

    let ringKm = Math.min(radiusKm, Math.max(FIRST_RING_KM, (after?.distanceKm ?? 0) * 1.25));
    let rest: Match[];
    let circles = 0;
    for (;;) {
      circles++;
      const matches = await within(ringKm);
      rest = after ? matches.filter((m) => compareNearby(m, after) > 0) : matches;
      if (rest.length > limit || ringKm >= radiusKm) break;
      ringKm = Math.min(radiusKm, ringKm * nextRingFactor(rest.length, limit + 1));
    }
    const edges = rest.slice(0, limit).map((m) => ({ cursor: encodeNearbyCursor(m), node: compactCentre(m) }));
    const whole = ringKm >= radiusKm && !after ? rest.length : null;
    this.metrics?.circles.observe(circles);
    this.metrics?.centresRead.observe(read);
    return connectionOf(
      edges,
      { hasNextPage: rest.length > limit, endCursor: edges.at(-1)?.cursor ?? null },
      async () => {
        if (whole !== null) return whole;
        read = 0;
        const count = (await within(radiusKm)).length;
        this.metrics?.centresRead.observe(read);
        return count;
      },
    );
  }
}

function compactCentre({ doc, id, distanceKm }: Match): CompactCentre {
  const schedule = scheduleOf(doc);
  return {
    compact: true,
    id,
    ...(doc.name === undefined ? {} : { name: doc.name }),
    location: { lat: doc.location.lat, lng: doc.location.lng },
    distanceKm: Math.round(distanceKm * 1000) / 1000,
    timezone: doc.timezone,
    openingHours: schedule.openingHours,
    schedule,
  };
}
