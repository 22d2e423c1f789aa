import { z } from 'zod';
import { BadUserInputError } from '../../../platform/errors.js';
import { connectionOf, type Connection } from '../../../platform/graphql/pagination.js';
import { parseInput } from '../../../platform/graphql/parse-input.js';
import { geoPointSchema } from '../centres/centre-input.js';
import { toCentre, type CentreStore } from '../centres/centre.store.js';
import type { ServiceCentre, ServiceKind } from '../centres/centre.type.js';
import { isOpenAt } from '../centres/opening-hours.js';
import { coverCircle } from '../geo/geohash.js';
import { haversineKm, type LatLng } from '../geo/haversine.js';
import { compareNearby, decodeNearbyCursor, encodeNearbyCursor } from './nearby-cursor.js';

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

/**
 * Centres within `radiusKm` of a point, nearest first. The circle is covered with geohash cells
 * of one precision (geo/geohash.ts), the centres in those cells are read through the index on
 * that precision's field, and each is measured exactly (Haversine): the cells only narrow the
 * read, the distance decides. Pages are keyed by (distance, id), so the cursor stays valid while
 * centres are added elsewhere.
 */
export class NearbyService {
  constructor(private readonly centres: CentreStore) {}

  async search(args: NearbyArgs): Promise<Connection<ServiceCentre>> {
    const { near, radiusKm, first } = parseInput(argsSchema, {
      near: args.near,
      radiusKm: args.radiusKm,
      first: args.first,
    });
    if (args.openAt && Number.isNaN(args.openAt.getTime()))
      throw new BadUserInputError('openAt is not a date', 'openAt');
    const after = args.after ? decodeNearbyCursor(args.after) : null;
    const limit = first ?? DEFAULT_NEARBY_PAGE;

    const { precision, cells } = coverCircle(near, radiusKm);
    const candidates = await this.centres.inCells(precision, cells, args.service ?? undefined);
    const openAt = args.openAt ?? null;
    const matches = candidates
      .map((doc) => ({ doc, distanceKm: haversineKm(near, doc.location), id: doc._id.toHexString() }))
      .filter((m) => m.distanceKm <= radiusKm)
      .filter((m) => !args.service || m.doc.services.some((s) => s.kind === args.service))
      .filter((m) => !openAt || isOpenAt(m.doc, openAt))
      .sort(compareNearby);
    const start = after ? matches.findIndex((m) => compareNearby(m, after) > 0) : 0;
    const rest = start < 0 ? [] : matches.slice(start);
    const page = rest.slice(0, limit);
    const edges = page.map((m) => ({
      cursor: encodeNearbyCursor(m),
      node: toCentre(m.doc, Math.round(m.distanceKm * 1000) / 1000),
    }));
    return connectionOf(
      edges,
      { hasNextPage: rest.length > limit, endCursor: edges.at(-1)?.cursor ?? null },
      async () => matches.length,
    );
  }
}
