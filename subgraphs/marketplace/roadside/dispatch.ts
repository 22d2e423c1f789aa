import { haversineKm, type LatLng } from '../geo/haversine.js';

/*
 * Who is offered a request, in which order, and how long help takes to arrive: pure, so the
 * rules are tested without a database.
 */

export interface RoadsideCandidate {
  centreId: string;
  distanceKm: number;
  /** Average stars (0 when unrated) and how many reviews it rests on. */
  rating: { average: number; count: number };
}

/** A centre nobody rated yet counts as an average one, neither favoured nor held back. */
export const UNRATED_STARS = 3;

/**
 * Nearest first, with the rating shifting the order: each star above (below) the middle of the
 * scale counts as 10 % less (more) distance. A 5-star centre 11 km away comes before a 1-star
 * one 8 km away (8.8 vs 9.6), but no rating brings a centre 50 km away before one 20 km away:
 * distance is what help waits for. Ties go to the lower id, so every instance ranks alike.
 */
export function effectiveKm(candidate: RoadsideCandidate): number {
  const stars = candidate.rating.count > 0 ? candidate.rating.average : UNRATED_STARS;
  return candidate.distanceKm * (1 - (stars - UNRATED_STARS) * 0.1);
}

export function rankCandidates(candidates: readonly RoadsideCandidate[]): RoadsideCandidate[] {
  return [...candidates].sort(
    (a, b) => effectiveKm(a) - effectiveKm(b) || (a.centreId < b.centreId ? -1 : a.centreId > b.centreId ? 1 : 0),
  );
}

/** The next wave: the best-ranked `size` centres not offered the request before. */
export function nextWave(
  candidates: readonly RoadsideCandidate[],
  alreadyOffered: ReadonlySet<string>,
  size: number,
): RoadsideCandidate[] {
  return rankCandidates(candidates.filter((c) => !alreadyOffered.has(c.centreId))).slice(0, size);
}

/**
 * The responder's great-circle distance to the driver and the minutes it takes at `speedKmh`
 * (rounded up: "2 minutes" while 1.2 remain). Roads are longer than the great circle, so this
 * is the earliest help can be there, which is what the configured speed is set against.
 */
export function estimateArrival(
  responder: LatLng,
  driver: LatLng,
  speedKmh: number,
): { distanceKm: number; etaMinutes: number } {
  const distanceKm = haversineKm(responder, driver);
  return { distanceKm: Math.round(distanceKm * 1000) / 1000, etaMinutes: Math.ceil((distanceKm / speedKmh) * 60) };
}
