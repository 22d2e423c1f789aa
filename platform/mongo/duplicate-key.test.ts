import { MongoServerError } from 'mongodb';
import { DUPLICATE_KEY, isDuplicateKey } from './duplicate-key.js';

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
