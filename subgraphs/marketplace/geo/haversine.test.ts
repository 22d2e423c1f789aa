import { EARTH_RADIUS_KM, haversineKm } from './haversine.js';

/*
 * References computed independently with Vincenty's formula for the sphere (atan2 of the
 * cross and dot products, another route to the same great-circle distance) at R = 6371.0088 km.
 */
const REFERENCES: [string, [number, number], [number, number], number][] = [
  ['Big Ben to the Statue of Liberty', [51.5007, -0.1246], [40.6892, -74.0445], 5574.848157146154],
  ['Berlin to Munich', [52.52, 13.405], [48.1351, 11.582], 504.4160281285087],
  [
    'Nadi (Fiji) to Apia (Samoa), across the antimeridian',
    [-17.7553, 177.4434],
    [-13.8298, -171.7666],
    1233.8861363887177,
  ],
  ['Tokyo to Anchorage, across the antimeridian', [35.6762, 139.6503], [61.2181, -149.9003], 5565.994783045441],
  ['one degree on the equator, across the antimeridian', [0, 179.5], [0, -179.5], 111.19508023353322],
  ['pole to pole', [90, 0], [-90, 0], 20015.114442035923],
];

describe('haversineKm', () => {
  it.each(REFERENCES)('%s', (_name, [lat1, lng1], [lat2, lng2], expected) => {
    const km = haversineKm({ lat: lat1, lng: lng1 }, { lat: lat2, lng: lng2 });
    expect(Math.abs(km - expected)).toBeLessThan(1e-6);
    expect(haversineKm({ lat: lat2, lng: lng2 }, { lat: lat1, lng: lng1 })).toBeCloseTo(km, 9);
  });

  it('agrees with the published 5574.8 km for Big Ben to the Statue of Liberty (R = 6371 km)', () => {
    const km = haversineKm({ lat: 51.5007, lng: -0.1246 }, { lat: 40.6892, lng: -74.0445 });
    expect((km * 6371) / EARTH_RADIUS_KM).toBeCloseTo(5574.8, 1);
  });

  it('measures the short way across the antimeridian, not around the globe', () => {
    const km = haversineKm({ lat: 0, lng: 179.9 }, { lat: 0, lng: -179.9 });
    expect(km).toBeCloseTo((0.2 * Math.PI * EARTH_RADIUS_KM) / 180, 6);
    expect(km).toBeLessThan(23);
  });

  it('is zero for the same point', () => {
    expect(haversineKm({ lat: 48.1, lng: 11.5 }, { lat: 48.1, lng: 11.5 })).toBe(0);
  });
});
