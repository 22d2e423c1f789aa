/** The mean Earth radius (IUGG R1), in kilometres. */
export const EARTH_RADIUS_KM = 6371.0088;

export interface LatLng {
  lat: number;
  lng: number;
}

const rad = (degrees: number) => (degrees * Math.PI) / 180;

/**
 * Great-circle distance on a sphere of EARTH_RADIUS_KM. Haversine rather than the law of
 * cosines: it stays exact for the short distances a nearby search is mostly about. Longitudes
 * enter only through the sine of half their difference, so a pair across the antimeridian
 * (179.9 and -179.9) is as close as it is on the globe.
 */
export function haversineKm(a: LatLng, b: LatLng): number {
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}
