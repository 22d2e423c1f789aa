import { fitKey, queryTokens, searchTokens } from './search-tokens.js';

describe('part search tokens', () => {
  const tokens = searchTokens({ name: 'Brake pads, front', brand: 'Brembo', sku: 'BP-1234' });

  it('hold every prefix of the name, brand and SKU words, and of the SKU without separators', () => {
    for (const t of [
      'br',
      'bra',
      'brake',
      'pa',
      'pads',
      'fr',
      'front',
      'bre',
      'brembo',
      'bp',
      '12',
      '1234',
      'bp1234',
    ]) {
      expect(tokens).toContain(t);
    }
    expect(tokens).not.toContain('b');
    expect(tokens).not.toContain('brakes');
  });

  it('drop accents and case, and cut long words', () => {
    expect(searchTokens({ name: 'Ölfilter', brand: 'MÄHLE', sku: 'x' })).toEqual(
      expect.arrayContaining(['olfilter', 'mahle']),
    );
    const long = searchTokens({ name: 'a'.repeat(40), brand: 'b', sku: 'c' });
    expect(Math.max(...long.map((t) => t.length))).toBe(16);
  });

  it('look up the longest query word first, and refuse queries of nothing searchable', () => {
    expect(queryTokens('pads BREMBO b')).toEqual(['brembo', 'pads']);
    expect(queryTokens('ÖL')).toEqual(['ol']);
    expect(queryTokens('a -')).toBeNull();
    expect(queryTokens('x'.repeat(30))).toEqual(['x'.repeat(16)]);
  });

  it('key fitments by make and model whatever their case and spacing', () => {
    expect(fitKey(' Honda ', 'Civic  Type-R')).toBe(fitKey('HONDA', 'civic type r'));
  });
});
