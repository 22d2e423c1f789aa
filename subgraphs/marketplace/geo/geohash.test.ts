import { boundingBox, cellField, cellsOf, coverCircle, encodeGeohash, MAX_COVER_CELLS } from './geohash.js';
import { haversineKm, type LatLng } from './haversine.js';

describe('geohash', () => {
  it('encodes the reference points of the geohash definition', () => {
    // geohash.org's own examples.
    expect(encodeGeohash({ lat: 57.64911, lng: 10.40744 }, 11)).toBe('u4pruydqqvj');
    expect(encodeGeohash({ lat: 42.6, lng: -5.6 }, 5)).toBe('ezs42');
  });

  it('stores one cell per precision, each a prefix of the finer', () => {
    const cells = cellsOf({ lat: 52.52, lng: 13.405 });
    expect(cells).toEqual({ cell2: 'u3', cell3: 'u33', cell4: 'u33d', cell5: 'u33dc', cell6: 'u33dc0' });
    expect(cells[cellField(6)].startsWith(cells[cellField(2)])).toBe(true);
  });

  it('splits a box that crosses the antimeridian in two longitude ranges', () => {
    const box = boundingBox({ lat: -17.7, lng: 179.8 }, 50);
    expect(box.lngRanges).toHaveLength(2);
    expect(box.lngRanges[0]![1]).toBe(180);
    expect(box.lngRanges[1]![0]).toBe(-180);
  });

  it('takes every longitude when the circle holds a pole', () => {
    expect(boundingBox({ lat: 89.5, lng: 0 }, 100).lngRanges).toEqual([[-180, 180]]);
  });

  // Random points within the radius (and on its edge) must fall in a cell of the cover.
  const random = (seed: number) => () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
  const CASES: [string, LatLng, number][] = [
    ['Berlin, 5 km', { lat: 52.52, lng: 13.405 }, 5],
    ['Berlin, 200 km', { lat: 52.52, lng: 13.405 }, 200],
    ['Fiji across the antimeridian, 150 km', { lat: -17.75, lng: 179.9 }, 150],
    ['Quito on the equator, 0.5 km', { lat: -0.18, lng: -78.47 }, 0.5],
    ['Longyearbyen near the pole, 200 km', { lat: 78.22, lng: 15.65 }, 200],
  ];
  it.each(CASES)('covers every point of the circle: %s', (_name, center, radiusKm) => {
    const { precision, cells } = coverCircle(center, radiusKm);
    const next = random(7);
    const cover = new Set(cells);
    let inside = 0;
    for (let i = 0; i < 4000; i++) {
      // A point at a random bearing and distance, by the spherical destination formula.
      const d = (Math.sqrt(next()) * radiusKm) / 6371.0088;
      const bearing = next() * 2 * Math.PI;
      const lat1 = (center.lat * Math.PI) / 180;
      const lng1 = (center.lng * Math.PI) / 180;
      const lat2 = Math.asin(Math.sin(lat1) * Math.cos(d) + Math.cos(lat1) * Math.sin(d) * Math.cos(bearing));
      const lng2 =
        lng1 +
        Math.atan2(Math.sin(bearing) * Math.sin(d) * Math.cos(lat1), Math.cos(d) - Math.sin(lat1) * Math.sin(lat2));
      const point = { lat: (lat2 * 180) / Math.PI, lng: (((lng2 * 180) / Math.PI + 540) % 360) - 180 };
      if (haversineKm(center, point) > radiusKm) continue;
      inside++;
      expect(cover.has(encodeGeohash(point, precision))).toBe(true);
    }
    expect(inside).toBeGreaterThan(3000);
    expect(cells.length).toBeLessThanOrEqual(MAX_COVER_CELLS * 2);
  });

  it.each(CASES)(
    "leaves out only the box's cells wholly outside the circle: its edge stays covered: %s",
    (_name, center, radiusKm) => {
      const { precision, cells } = coverCircle(center, radiusKm);
      const cover = new Set(cells);
      const d = (radiusKm * (1 - 1e-9)) / 6371.0088;
      const lat1 = (center.lat * Math.PI) / 180;
      const lng1 = (center.lng * Math.PI) / 180;
      for (let i = 0; i < 3600; i++) {
        const bearing = (i / 3600) * 2 * Math.PI;
        const lat2 = Math.asin(Math.sin(lat1) * Math.cos(d) + Math.cos(lat1) * Math.sin(d) * Math.cos(bearing));
        const lng2 =
          lng1 +
          Math.atan2(Math.sin(bearing) * Math.sin(d) * Math.cos(lat1), Math.cos(d) - Math.sin(lat1) * Math.sin(lat2));
        const point = { lat: (lat2 * 180) / Math.PI, lng: (((lng2 * 180) / Math.PI + 540) % 360) - 180 };
        expect(cover.has(encodeGeohash(point, precision))).toBe(true);
      }
    },
  );

  it("reads fewer cells than the circle's box holds (its corners)", () => {
    const center = { lat: 52.52, lng: 13.405 };
    for (const radiusKm of [2, 5, 25]) {
      const { precision, cells } = coverCircle(center, radiusKm);
      const box = boundingBox(center, radiusKm);
      const [[west, east]] = box.lngRanges as [[number, number]];
      const boxCells = new Set<string>();
      for (let lat = box.latMin; lat <= box.latMax + 0.01; lat += 0.005)
        for (let lng = west; lng <= east + 0.01; lng += 0.005)
          boxCells.add(encodeGeohash({ lat: Math.min(lat, box.latMax), lng: Math.min(lng, east) }, precision));
      expect(cells.length).toBeLessThan(boxCells.size);
    }
  });

  it('picks a finer precision for a smaller radius', () => {
    const small = coverCircle({ lat: 52.52, lng: 13.405 }, 1).precision;
    const large = coverCircle({ lat: 52.52, lng: 13.405 }, 200).precision;
    expect(small).toBeGreaterThan(large);
    expect(large).toBe(3);
  });
});
