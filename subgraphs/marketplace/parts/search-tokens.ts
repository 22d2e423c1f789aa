/**
 * Text search on name, brand and SKU without a text index (FerretDB serves none): a part stores
 * the prefixes of its normalised words in one array (`search`), indexed multikey, and a query
 * looks up one of its words by equality on that array, which the index serves; the query's
 * other words are checked on the parts that index finds. Prefixes make "bosch" find "Bosch" and
 * "bre" find "Brembo"; a word shorter than MIN_PREFIX finds nothing by itself.
 */
export const MIN_PREFIX = 2;
/** Longer words are indexed (and looked up) by their first MAX_PREFIX characters. */
export const MAX_PREFIX = 16;
/** A query reads at most this many of its words. */
export const MAX_QUERY_WORDS = 6;

/** Lower case, accents dropped, split at anything but letters and digits. */
export function words(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}

const prefixesOf = (word: string): string[] => {
  const out: string[] = [];
  for (let n = MIN_PREFIX; n <= Math.min(word.length, MAX_PREFIX); n++) out.push(word.slice(0, n));
  return out;
};

/**
 * The `search` array of a part: every prefix of every word of its name, brand and SKU, and of
 * the SKU with its separators removed ("BP-1234" is found as "bp1234" and as "1234").
 */
export function searchTokens(part: { name: string; brand: string; sku: string }): string[] {
  const all = [...words(part.name), ...words(part.brand), ...words(part.sku), words(part.sku).join('')];
  return [...new Set(all.flatMap(prefixesOf))].sort();
}

/**
 * The words a query looks for, each cut to MAX_PREFIX, longest first (the most selective goes
 * to the index); null when it has none of at least MIN_PREFIX characters.
 */
export function queryTokens(query: string): string[] | null {
  const found = [
    ...new Set(
      words(query)
        .filter((w) => w.length >= MIN_PREFIX)
        .map((w) => w.slice(0, MAX_PREFIX)),
    ),
  ];
  if (found.length === 0) return null;
  return found.sort((a, b) => b.length - a.length || a.localeCompare(b)).slice(0, MAX_QUERY_WORDS);
}

/** `make|model` as fitment keys store them: case and spacing do not matter. */
export const fitKey = (make: string, model: string) => `${words(make).join(' ')}|${words(model).join(' ')}`;
