import { useScratchDatabase } from '../../test/scratch-database.js';

/**
 * A $group with several accumulators gives each one the whole group, as MongoDB does. Upstream
 * FerretDB handed the group's documents to its accumulators through one iterator, which the first
 * consumed: a second $sum saw an empty group and gave 0, so a review count with its star total
 * came back as (2, 0). scripts/install-ferretdb.sh ("group accumulators") gives each its own.
 */
describe('$group with several accumulators', () => {
  const db = useScratchDatabase('group_accumulators');
  const reviews = () => db().collection<{ centreId: string; stars: number }>('reviews');

  beforeAll(async () => {
    await reviews().insertMany([
      { centreId: 'a', stars: 5 },
      { centreId: 'a', stars: 3 },
      { centreId: 'b', stars: 4 },
    ]);
  });

  it('counts and totals in one stage, whichever comes first', async () => {
    const countFirst = await reviews()
      .aggregate([
        { $match: { centreId: 'a' } },
        { $group: { _id: null, count: { $sum: 1 }, total: { $sum: '$stars' } } },
      ])
      .toArray();
    expect(countFirst).toEqual([{ _id: null, count: 2, total: 8 }]);
    const totalFirst = await reviews()
      .aggregate([
        { $match: { centreId: 'a' } },
        { $group: { _id: null, total: { $sum: '$stars' }, count: { $sum: 1 } } },
      ])
      .toArray();
    expect(totalFirst).toEqual([{ _id: null, total: 8, count: 2 }]);
  });

  it('gives every group all of its documents, for three accumulators', async () => {
    const perCentre = await reviews()
      .aggregate([
        { $group: { _id: '$centreId', count: { $sum: 1 }, total: { $sum: '$stars' }, again: { $sum: '$stars' } } },
        { $sort: { _id: 1 } },
      ])
      .toArray();
    expect(perCentre).toEqual([
      { _id: 'a', count: 2, total: 8, again: 8 },
      { _id: 'b', count: 1, total: 4, again: 4 },
    ]);
  });
});
