import { decodedViewersKept, decodeViewer, encodeViewer, type Viewer } from './viewer.js';

const user = (n: number): Viewer => ({ kind: 'user', userId: `user-${n}`, roles: ['CUSTOMER'] });

describe('decodeViewer', () => {
  it('gives the same frozen viewer for the same header, which nobody can change', () => {
    const header = encodeViewer(user(1));
    const first = decodeViewer(header)!;
    expect(first).toEqual(user(1));
    expect(decodeViewer(header)).toBe(first);
    expect(() => (first as { roles: string[] }).roles.push('ADMIN')).toThrow(TypeError);
    expect(() => Object.assign(first, { userId: 'someone-else' })).toThrow(TypeError);
    expect(decodeViewer(header)).toEqual(user(1));
  });

  it('refuses what is not a well-formed viewer, kept or not', () => {
    const bad = Buffer.from(JSON.stringify({ kind: 'user', userId: 'u', roles: ['ROOT'] })).toString('base64url');
    expect(decodeViewer(bad)).toBeUndefined();
    expect(decodeViewer(bad)).toBeUndefined();
    expect(decodeViewer('not base64 json')).toBeUndefined();
    expect(decodeViewer('')).toBeUndefined();
    expect(decodeViewer(undefined)).toBeUndefined();
  });

  it('keeps a bounded number of decoded headers, and none of the long ones', () => {
    for (let n = 0; n < 2500; n++) expect(decodeViewer(encodeViewer(user(n)))?.kind).toBe('user');
    expect(decodedViewersKept()).toBe(1000);
    const long: Viewer = {
      kind: 'apiKey',
      keyId: 'k',
      ownerId: 'o',
      scopes: Array.from({ length: 60 }, (_, i) => `s${i}`),
    };
    const before = decodedViewersKept();
    expect(decodeViewer(encodeViewer(long))).toEqual(long);
    expect(encodeViewer(long).length).toBeGreaterThan(512);
    expect(decodedViewersKept()).toBe(before);
  });
});
