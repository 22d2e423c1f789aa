import { ObjectId } from 'mongodb';
import { queryShape, servingIndex } from './index-coverage.js';
import type { IndexDeclaration } from './indexes.js';

const owned: IndexDeclaration[] = [{ key: { ownerId: 1, removedAt: 1, _id: -1 } }, { key: { createdAt: -1 } }];
const served = (indexes: IndexDeclaration[], filter: object, sort?: object) =>
  servingIndex(indexes, queryShape(filter, sort))?.key ?? null;

describe('queryShape', () => {
  it('reads a sort given as a Map, as the driver sends it', () => {
    expect(
      queryShape(
        {},
        new Map([
          ['openedAt', -1],
          ['_id', -1],
        ]),
      ).sort,
    ).toEqual([
      ['openedAt', -1],
      ['_id', -1],
    ]);
  });

  it('tells equalities ($eq, $in, plain values, null, ObjectIds, dates) from ranges and leaves the rest', () => {
    const id = new ObjectId();
    expect(
      queryShape(
        {
          $and: [{ ownerId: 'u1', removedAt: null }, { _id: { $lt: id } }],
          status: { $in: ['OPEN'] },
          at: { $gte: new Date(0) },
          kind: { $ne: 'x' },
          $or: [{ a: 1 }, { b: 2 }],
        },
        { at: -1, _id: 1 },
      ),
    ).toEqual({
      equality: ['ownerId', 'removedAt', 'status'],
      range: ['_id', 'at'],
      sort: [
        ['at', -1],
        ['_id', 1],
      ],
    });
  });
});

describe('servingIndex (equality, then sort, then range)', () => {
  it('serves equalities that lead an index, with the sort that follows them in either direction', () => {
    expect(served(owned, { ownerId: 'u', removedAt: null }, { _id: -1 })).toEqual(owned[0].key);
    expect(served(owned, { removedAt: null, ownerId: { $in: ['u', 'v'] } }, { _id: 1 })).toEqual(owned[0].key);
    expect(served(owned, { ownerId: 'u' })).toEqual(owned[0].key);
  });

  it('checks further equalities on the documents the leading ones find', () => {
    expect(served(owned, { ownerId: 'u', removedAt: null, vin: 'X' }, { _id: -1 })).toEqual(owned[0].key);
    expect(served(owned, { ownerId: 'u', vin: 'X' })).toEqual(owned[0].key);
  });

  it('refuses equalities that lead no index, and a sort the index does not hold right after them', () => {
    expect(served(owned, { removedAt: null }, { _id: -1 })).toBeNull();
    expect(served(owned, { removedAt: null })).toBeNull();
    expect(served(owned, { ownerId: 'u' }, { _id: -1 })).toBeNull();
    expect(served(owned, { ownerId: 'u', removedAt: null }, { createdAt: -1 })).toBeNull();
    expect(served(owned, { ownerId: 'u', vin: 'X' }, { _id: -1 })).toBeNull();
    expect(served([{ key: { a: 1, b: 1 } }], { a: 1 }, { b: 1, c: 1 })).toBeNull();
    expect(served([{ key: { a: 1, b: 1 } }], { a: 1 }, { b: 1, c: -1 })).toBeNull();
    expect(served([{ key: { a: 1, b: 1, c: 1 } }], { a: 1 }, { b: 1, c: -1 })).toBeNull();
  });

  it('serves a range on an index`s first field, or beside a served equality or sort; refuses a whole-collection read', () => {
    expect(served(owned, { createdAt: { $gte: new Date(0) } })).toEqual(owned[1].key);
    expect(served(owned, { createdAt: { $lt: new Date(0) } }, { createdAt: 1 })).toEqual(owned[1].key);
    expect(served(owned, { ownerId: 'u', removedAt: null, _id: { $lt: new ObjectId() } }, { _id: -1 })).toEqual(
      owned[0].key,
    );
    expect(served(owned, { updatedAt: { $gte: new Date(0) } })).toBeNull();
    expect(served(owned, {})).toBeNull();
    expect(served(owned, { vin: 'X' })).toBeNull();
  });

  it('serves anything that binds a unique index, and every `_id` equality or sort from the implicit `_id` index', () => {
    const unique: IndexDeclaration[] = [{ key: { email: 1 }, options: { unique: true } }];
    expect(served(unique, { email: 'a@b.c', disabled: null })).toEqual({ email: 1 });
    expect(served([], { _id: 'x', status: 'OPEN', at: { $lt: 3 } })).toEqual({ _id: 1 });
    expect(served([], { _id: { $in: ['x', 'y'] } })).toEqual({ _id: 1 });
    expect(served([], {}, { _id: -1 })).toEqual({ _id: 1 });
    expect(served([], { _id: { $gte: 'a:', $lte: 'a:~' } })).toEqual({ _id: 1 });
    expect(served([], { status: 'OPEN' }, { _id: -1 })).toBeNull();
  });

  it('ignores a sort on a field an equality fixes', () => {
    expect(served([{ key: { vehicleId: 1, at: -1 } }], { vehicleId: 'v' }, { vehicleId: 1, at: -1 })).toEqual({
      vehicleId: 1,
      at: -1,
    });
  });
});
