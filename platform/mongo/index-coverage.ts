import type { Document } from 'mongodb';
import type { IndexDeclaration } from './indexes.js';

/*
 * Whether a query is served by an index, judged from its shape alone (no database), after the
 * equality-sort-range rule that MongoDB's planner follows. A query is served when some index
 * starts with some of the query's equality fields (in any order; `$in` counts as equality) and
 * goes on with its sort fields in the sort's order (or all reversed): the scan is bounded by
 * those equalities and needs no sort in memory, so a page stops at its limit. Other equalities
 * and ranges are checked on the documents found. A query without equalities is served through
 * its sort, or through a range on an index's first field. A unique
 * index whose every field is bound by an equality finds at most one document per value,
 * whatever else the filter says. A query that binds nothing an index can use (no equality,
 * sort or range on an index's leading field) reads the whole collection, and so does a sort
 * that no index holds right after the equalities it starts with.
 *
 * Stores declare an index per list for its equalities and sort; equalities left to be checked
 * on the documents found are for optional filters combined with a more selective one.
 *
 * Stores' tests record the queries they actually send and check them with this, so a new list
 * query without its index fails a test (test/indexed-queries.ts).
 */

export type SortDirection = 1 | -1;

export interface QueryShape {
  /** Fields compared with a value or `$in` a list of values. */
  equality: string[];
  /** Fields compared with `$gt`, `$gte`, `$lt`, `$lte`. */
  range: string[];
  /** The sort, in order. */
  sort: [string, SortDirection][];
}

const RANGE = new Set(['$gt', '$gte', '$lt', '$lte']);
const EQUALITY = new Set(['$eq', '$in']);

const isOperatorObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.getPrototypeOf(value) === Object.prototype &&
  Object.keys(value).length > 0 &&
  Object.keys(value).every((k) => k.startsWith('$'));

function collect(filter: Document, shape: QueryShape): void {
  for (const [field, value] of Object.entries(filter)) {
    if (field === '$and' && Array.isArray(value)) {
      for (const part of value) collect(part as Document, shape);
      continue;
    }
    // $or (keyset cursors' tie-breaks), $nor, $expr...: checked on the documents found.
    if (field.startsWith('$')) continue;
    if (!isOperatorObject(value)) {
      shape.equality.push(field);
      continue;
    }
    const operators = Object.keys(value);
    if (operators.some((op) => EQUALITY.has(op))) shape.equality.push(field);
    else if (operators.some((op) => RANGE.has(op))) shape.range.push(field);
    // $ne, $exists, $nin...: residual.
  }
}

/** The shape of a filter and sort as the driver sends them (it sends a sort as a Map). */
export function queryShape(filter: Document = {}, sort: Document | Map<string, unknown> = {}): QueryShape {
  const shape: QueryShape = { equality: [], range: [], sort: [] };
  collect(filter, shape);
  shape.equality = [...new Set(shape.equality)];
  shape.range = [...new Set(shape.range.filter((f) => !shape.equality.includes(f)))];
  const entries = sort instanceof Map ? [...sort.entries()] : Object.entries(sort);
  shape.sort = entries.map(([field, dir]) => [field, Number(dir) < 0 ? -1 : 1]);
  return shape;
}

const ID_INDEX: IndexDeclaration = { key: { _id: 1 }, options: { unique: true } };

function keyOf(index: IndexDeclaration): [string, SortDirection][] {
  return Object.entries(index.key as Record<string, unknown>).map(([field, dir]) => [field, Number(dir) < 0 ? -1 : 1]);
}

/** Whether `index` serves a query of this shape (see above). */
export function serves(index: IndexDeclaration, shape: QueryShape): boolean {
  const key = keyOf(index);
  const fields = key.map(([field]) => field);
  if (index.options?.unique && fields.every((f) => shape.equality.includes(f))) return true;
  let prefix = 0;
  while (prefix < key.length && shape.equality.includes(fields[prefix])) prefix++;
  // Equalities bound the scan only from an index's leading fields.
  if (shape.equality.length > 0 && prefix === 0) return false;
  // Sorting on a field an equality fixes changes nothing.
  const sort = shape.sort.filter(([field]) => !shape.equality.includes(field));
  if (sort.length > 0) {
    const following = key.slice(prefix, prefix + sort.length);
    if (following.length < sort.length) return false;
    const same = sort.every(([f, d], i) => following[i][0] === f && following[i][1] === d);
    const reversed = sort.every(([f, d], i) => following[i][0] === f && following[i][1] === -d);
    return same || reversed;
  }
  return prefix > 0 || shape.range.includes(fields[0]);
}

/** The first declared index (or `_id`'s) that serves the query, or null. */
export function servingIndex(indexes: readonly IndexDeclaration[], shape: QueryShape): IndexDeclaration | null {
  return [ID_INDEX, ...indexes].find((index) => serves(index, shape)) ?? null;
}

export const describeShape = (shape: QueryShape) =>
  JSON.stringify({
    equality: shape.equality,
    range: shape.range,
    sort: Object.fromEntries(shape.sort),
  });
