import { EARTH_RADIUS_KM, haversineKm, type LatLng } from './haversine.js';

/*
 * Geohash cells, so that a nearby search is an indexed `$in` on plain fields, served alike by
 * MongoDB and by the embedded database (which has no geo operators). A centre stores the cell
 * holding it at each precision in CELL_PRECISIONS (`cell3: 'u33'`...); a search covers its circle
 * with the cells of one precision, reads the centres in them, and measures each exactly.
 */

const BASE32 = '0123456789bcdefghjkmnpqrstuvwxyz';

export const CELL_PRECISIONS = [2, 3, 4, 5, 6] as const;
export type CellPrecision = (typeof CELL_PRECISIONS)[number];
export type CellField = `cell${CellPrecision}`;
export const cellField = (precision: CellPrecision): CellField => `cell${precision}`;

/** A search reads at most this many cells: the finest precision whose cover stays within it. */
export const MAX_COVER_CELLS = 128;

const bitsOf = (precision: number) => ({ lng: Math.ceil((5 * precision) / 2), lat: Math.floor((5 * precision) / 2) });

/** The cell of (latIndex, lngIndex) at `precision`: bits interleaved, longitude first. */
function encodeIndices(latIndex: number, lngIndex: number, precision: number): string {
  const bits = bitsOf(precision);
  let hash = '';
  let value = 0;
  let lngBit = bits.lng;
  let latBit = bits.lat;
  for (let i = 0; i < 5 * precision; i++) {
    const bit = i % 2 === 0 ? (lngIndex >> --lngBit) & 1 : (latIndex >> --latBit) & 1;
    value = (value << 1) | bit;
    if (i % 5 === 4) {
      hash += BASE32[value];
      value = 0;
    }
  }
  return hash;
}

const clampIndex = (index: number, count: number) => Math.min(count - 1, Math.max(0, index));

function indicesOf({ lat, lng }: LatLng, precision: number) {
  const bits = bitsOf(precision);
  const latCount = 2 ** bits.lat;
  const lngCount = 2 ** bits.lng;
  return {
    latIndex: clampIndex(Math.floor(((lat + 90) / 180) * latCount), latCount),
    lngIndex: clampIndex(Math.floor(((lng + 180) / 360) * lngCount), lngCount),
  };
}

export function encodeGeohash(point: LatLng, precision: number): string {
  const { latIndex, lngIndex } = indicesOf(point, precision);
  return encodeIndices(latIndex, lngIndex, precision);
}

/** The fields a centre stores: its cell at each precision. */
export function cellsOf(point: LatLng): Record<CellField, string> {
  return Object.fromEntries(CELL_PRECISIONS.map((p) => [cellField(p), encodeGeohash(point, p)])) as Record<
    CellField,
    string
  >;
}

interface Box {
  latMin: number;
  latMax: number;
  /** One or two longitude ranges (two when the box crosses the antimeridian). */
  lngRanges: [number, number][];
}

/** The latitude/longitude box around a spherical cap of `radiusKm` (exact for a sphere). */
export function boundingBox(center: LatLng, radiusKm: number): Box {
  const angular = radiusKm / EARTH_RADIUS_KM;
  const dLat = (angular * 180) / Math.PI;
  const latMin = center.lat - dLat;
  const latMax = center.lat + dLat;
  if (latMin <= -90 || latMax >= 90) {
    // The cap holds a pole: every longitude is in it.
    return { latMin: Math.max(-90, latMin), latMax: Math.min(90, latMax), lngRanges: [[-180, 180]] };
  }
  const ratio = Math.sin(angular) / Math.cos((center.lat * Math.PI) / 180);
  if (ratio >= 1) return { latMin, latMax, lngRanges: [[-180, 180]] };
  const dLng = (Math.asin(ratio) * 180) / Math.PI;
  const west = center.lng - dLng;
  const east = center.lng + dLng;
  if (west < -180)
    return {
      latMin,
      latMax,
      lngRanges: [
        [west + 360, 180],
        [-180, east],
      ],
    };
  if (east > 180)
    return {
      latMin,
      latMax,
      lngRanges: [
        [west, 180],
        [-180, east - 360],
      ],
    };
  return { latMin, latMax, lngRanges: [[west, east]] };
}

/** Degrees from `a` to `b` around the globe, 0 to 180. */
const lngApart = (a: number, b: number) => Math.abs(((((a - b) % 360) + 540) % 360) - 180);

/**
 * The great-circle distance from `center` to the nearest point of a latitude/longitude cell
 * (exact): the nearest longitude of the cell, at the latitude that maximises
 * cos d = sin φ1 sin φ + cos φ1 cos φ cos Δλ, which is atan(tan φ1 / cos Δλ) clamped to the
 * cell. 0 (never left out) when the cell is 90° of longitude or more away.
 */
function distanceToCellKm(center: LatLng, latMin: number, latMax: number, lngMin: number, lngMax: number): number {
  const inside = lngApart(center.lng, (lngMin + lngMax) / 2) <= (lngMax - lngMin) / 2;
  const toMin = lngApart(center.lng, lngMin);
  const toMax = lngApart(center.lng, lngMax);
  const lng = inside ? center.lng : toMin <= toMax ? lngMin : lngMax;
  const dLng = inside ? 0 : Math.min(toMin, toMax);
  if (dLng >= 90) return 0;
  const rad = Math.PI / 180;
  const best = Math.atan(Math.tan(center.lat * rad) / Math.cos(dLng * rad)) / rad;
  return haversineKm(center, { lat: Math.min(latMax, Math.max(latMin, best)), lng });
}

function coverAt(
  box: Box,
  precision: number,
  limit: number,
  circle?: { center: LatLng; radiusKm: number },
): string[] | null {
  const lo = indicesOf({ lat: box.latMin, lng: 0 }, precision).latIndex;
  const hi = indicesOf({ lat: box.latMax, lng: 0 }, precision).latIndex;
  const lngSpans = box.lngRanges.map(([west, east]) => [
    indicesOf({ lat: 0, lng: west }, precision).lngIndex,
    indicesOf({ lat: 0, lng: east }, precision).lngIndex,
  ]);
  const count = (hi - lo + 1) * lngSpans.reduce((sum, [w, e]) => sum + (e - w + 1), 0);
  if (count > limit) return null;
  const bits = bitsOf(precision);
  const latStep = 180 / 2 ** bits.lat;
  const lngStep = 360 / 2 ** bits.lng;
  // A cell of the box wholly outside the circle (in its corners) holds nothing the search keeps;
  // a metre's margin keeps every cell that touches the circle's edge.
  const outside = (lat: number, lng: number) =>
    circle !== undefined &&
    distanceToCellKm(
      circle.center,
      -90 + lat * latStep,
      -90 + (lat + 1) * latStep,
      -180 + lng * lngStep,
      -180 + (lng + 1) * lngStep,
    ) >
      circle.radiusKm + 0.001;
  const cells = new Set<string>();
  for (let lat = lo; lat <= hi; lat++) {
    for (const [w, e] of lngSpans)
      for (let lng = w; lng <= e; lng++) if (!outside(lat, lng)) cells.add(encodeIndices(lat, lng, precision));
  }
  return [...cells];
}

/**
 * The cells of one precision that together hold every point within `radiusKm` of `center`:
 * the finest precision whose cover has at most MAX_COVER_CELLS cells (the coarsest otherwise).
 * Cells are a superset of the circle (the box's cells less those wholly outside the circle: a
 * square box's corners are a fifth of it); the caller measures each centre found.
 */
export function coverCircle(center: LatLng, radiusKm: number): { precision: CellPrecision; cells: string[] } {
  const box = boundingBox(center, radiusKm);
  for (const precision of [...CELL_PRECISIONS].reverse()) {
    const cells = coverAt(box, precision, MAX_COVER_CELLS, { center, radiusKm });
    if (cells) return { precision, cells };
  }
  const coarsest = CELL_PRECISIONS[0];
  return { precision: coarsest, cells: coverAt(box, coarsest, Number.MAX_SAFE_INTEGER, { center, radiusKm })! };
}
