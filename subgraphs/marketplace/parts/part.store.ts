import { ObjectId, type Collection, type Db, type Filter } from 'mongodb';
import { paginate, type Connection, type PageArgs } from '../../../platform/graphql/pagination.js';
import { findManyById } from '../../../platform/mongo/find-many-by-id.js';
import { insertUnlessTaken } from '../../../platform/mongo/duplicate-key.js';
import { ensureIndexes, type IndexDeclaration } from '../../../platform/mongo/indexes.js';
import { toObjectId } from '../../../platform/mongo/object-id.js';
import { fitKey } from './search-tokens.js';

/** The fitKeys of a part's fitments. */
export function fitKeys(fitment: readonly FitmentDocument[]): string[] {
  const keys = new Set<string>();
  for (const f of fitment) {
    const key = fitKey(f.make, f.model);
    keys.add(key);
    for (let year = f.yearFrom; year <= f.yearTo; year++) keys.add(`${key}|${year}`);
  }
  return [...keys];
}

export interface FitmentDocument {
  make: string;
  model: string;
  yearFrom: number;
  yearTo: number;
}

/**
 * One part a centre sells (the catalogue is per centre: its partners add what they stock). Its
 * stock is a document of its own (inventory/stock.store.ts, same `_id`), so that reserving stock
 * rewrites a small document, not the catalogue entry with its search words.
 */
export interface PartDocument {
  _id: ObjectId;
  centreId: string;
  sku: string;
  /** The SKU's words joined (searchTokens' form): unique per centre, so "BP-1" and "bp 1" are one SKU. */
  skuKey: string;
  name: string;
  brand: string;
  priceMinor: number;
  currency: string;
  fitment: FitmentDocument[];
  /**
   * `make|model` and `make|model|year` for every model year each fitment covers (fitKeys()): a
   * vehicle search is one equality on this array, which its index serves, with nothing left to
   * check on the parts found (FerretDB's $elemMatch takes no field conditions).
   */
  fitKeys: string[];
  /** Prefixes of the name's, brand's and SKU's words (search-tokens.ts). */
  search: string[];
  createdBy: string;
  createdAt: Date;
}

/**
 * Searches bind one word of the query (`search`, multikey), or a vehicle's make and model
 * (`fitKeys`), or a centre, and page newest first; the rest of the filter is checked on the
 * parts the index finds. A centre holds each SKU once.
 */
export const PART_INDEXES: IndexDeclaration[] = [
  { key: { search: 1, _id: -1 } },
  { key: { fitKeys: 1, _id: -1 } },
  { key: { centreId: 1, _id: -1 } },
  { key: { centreId: 1, skuKey: 1 }, options: { unique: true } },
];

/** What a search asks for, already normalised (never raw client input). */
export interface PartQuery {
  /** Query words, the first looked up in the index. */
  words?: string[];
  centreId?: string;
  /** A fitKeys value: `make|model|year`, or `make|model` for a vehicle of unknown year. */
  fits?: string;
}

export class PartStore {
  static readonly collection = 'parts';
  private readonly parts: Collection<PartDocument>;

  constructor(db: Db) {
    this.parts = db.collection<PartDocument>(PartStore.collection);
  }

  init(): Promise<void> {
    return ensureIndexes(this.parts, PART_INDEXES);
  }

  /** False when the centre already has a part with this SKU. */
  insert(doc: PartDocument): Promise<boolean> {
    return insertUnlessTaken(this.parts, doc);
  }

  findById(id: string): Promise<PartDocument | null> {
    const _id = toObjectId(id);
    return _id ? this.parts.findOne({ _id }) : Promise.resolve(null);
  }

  findBySku(centreId: string, skuKey: string): Promise<PartDocument | null> {
    return this.parts.findOne({ centreId: String(centreId), skuKey: String(skuKey) });
  }

  /** In the order of `ids`, null where none. */
  findMany(ids: ObjectId[]): Promise<(PartDocument | null)[]> {
    return findManyById(this.parts, ids);
  }

  search(query: PartQuery, args: PageArgs): Promise<Connection<PartDocument>> {
    const filter: Filter<PartDocument> = {};
    const and: Filter<PartDocument>[] = [];
    const [first, ...rest] = query.words ?? [];
    if (first) filter.search = first;
    if (rest.length > 0) and.push({ search: { $all: rest } });
    if (query.centreId) filter.centreId = String(query.centreId);
    if (query.fits) filter.fitKeys = query.fits;
    if (and.length > 0) filter.$and = and;
    return paginate(this.parts, filter, args, (doc) => doc);
  }
}
