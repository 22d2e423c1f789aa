import { estimateArrival, nextWave, rankCandidates, type RoadsideCandidate } from './dispatch.js';

const c = (centreId: string, distanceKm: number, average = 0, count = 0): RoadsideCandidate => ({
  centreId,
  distanceKm,
  rating: { average, count },
});

describe('roadside dispatch', () => {
  it('ranks nearest first, the rating shifting close calls', () => {
    const ranked = rankCandidates([c('far', 20), c('near', 2), c('poor', 8, 1, 10), c('good', 11, 5, 10)]);
    expect(ranked.map((x) => x.centreId)).toEqual(['near', 'good', 'poor', 'far']);
  });

  it('never lets a rating bring a far centre before a much nearer one', () => {
    expect(rankCandidates([c('top', 50, 5, 100), c('bad', 20, 1, 100)]).map((x) => x.centreId)).toEqual(['bad', 'top']);
  });

  it('treats an unrated centre as an average one and breaks ties by id', () => {
    expect(rankCandidates([c('b', 5), c('a', 5, 3, 4)]).map((x) => x.centreId)).toEqual(['a', 'b']);
  });

  it('offers the next best centres not offered before', () => {
    const all = [c('a', 1), c('b', 2), c('c', 3), c('d', 4), c('e', 5)];
    expect(nextWave(all, new Set(), 2).map((x) => x.centreId)).toEqual(['a', 'b']);
    expect(nextWave(all, new Set(['a', 'b']), 2).map((x) => x.centreId)).toEqual(['c', 'd']);
    expect(nextWave(all, new Set(['a', 'b', 'c', 'd']), 2).map((x) => x.centreId)).toEqual(['e']);
    expect(nextWave(all, new Set(['a', 'b', 'c', 'd', 'e']), 2)).toEqual([]);
  });

  it('estimates the arrival from the great-circle distance at the configured speed', () => {
    // One degree of latitude is 111.195 km on the mean sphere.
    const eta = estimateArrival({ lat: 52, lng: 13 }, { lat: 52.1, lng: 13 }, 60);
    expect(eta.distanceKm).toBeCloseTo(11.12, 2);
    expect(eta.etaMinutes).toBe(12);
    expect(estimateArrival({ lat: 52, lng: 13 }, { lat: 52, lng: 13 }, 60)).toEqual({ distanceKm: 0, etaMinutes: 0 });
  });
});
