import { MongoServerError, type Collection } from 'mongodb';
import { DUPLICATE_KEY, insertUnlessTaken, isDuplicateKey } from './duplicate-key.js';

describe('isDuplicateKey', () => {
  it("tells MongoDB's E11000 from every other failure", () => {
    expect(DUPLICATE_KEY).toBe(11000);
    expect(isDuplicateKey(new MongoServerError({ code: 11000, errmsg: 'E11000 duplicate key error' }))).toBe(true);
    expect(isDuplicateKey({ code: 11000 })).toBe(true);
    expect(isDuplicateKey(new MongoServerError({ code: 112, errmsg: 'WriteConflict' }))).toBe(false);
    expect(isDuplicateKey(new Error('E11000'))).toBe(false);
    expect(isDuplicateKey(null)).toBe(false);
    expect(isDuplicateKey(undefined)).toBe(false);
    expect(isDuplicateKey('11000')).toBe(false);
  });
});

describe('insertUnlessTaken', () => {
  const collection = (failure?: unknown) => {
    const inserted: unknown[] = [];
    const insertOne = async (doc: unknown) => {
      if (failure) throw failure;
      inserted.push(doc);
    };
    return { inserted, collection: { insertOne } as unknown as Collection<{ _id: string }> };
  };

  it('answers true when the document is inserted, false when its key is taken, and rethrows anything else', async () => {
    const free = collection();
    expect(await insertUnlessTaken(free.collection, { _id: 'a' })).toBe(true);
    expect(free.inserted).toEqual([{ _id: 'a' }]);
    const taken = collection(new MongoServerError({ code: 11000, errmsg: 'E11000 duplicate key error' }));
    expect(await insertUnlessTaken(taken.collection, { _id: 'a' })).toBe(false);
    const broken = new MongoServerError({ code: 112, errmsg: 'WriteConflict' });
    await expect(insertUnlessTaken(collection(broken).collection, { _id: 'a' })).rejects.toBe(broken);
  });
});
