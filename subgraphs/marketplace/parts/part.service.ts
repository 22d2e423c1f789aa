import { ObjectId } from 'mongodb';
import { z } from 'zod';
import { authorizeVehicle, type VehicleAccess } from '../../../platform/access/vehicle-access.js';
import type { Viewer } from '../../../platform/auth/viewer.js';
import { BadUserInputError, ConflictError } from '../../../platform/errors.js';
import type { Connection, PageArgs } from '../../../platform/graphql/pagination.js';
import { parseInput } from '../../../platform/graphql/parse-input.js';
import { parseId } from '../ids.js';
import { centreForMember, requireUser, type CentreSource } from '../inventory/centre-membership.js';
import { thresholdSchema } from '../inventory/inventory.service.js';
import type { StockEvents } from '../inventory/stock-events.js';
import { MAX_STOCK, type StockStore } from '../inventory/stock.store.js';
import { isCurrencyCode } from '../money/currency.js';
import { fitKeys, type PartDocument, type PartQuery, type PartStore } from './part.store.js';
import { fitKey, queryTokens, searchTokens, words } from './search-tokens.js';
import type { VehicleProfiles } from './vehicle-profiles.js';

const text = (field: string, max: number) =>
  z.string().trim().min(1, `${field} must not be empty`).max(max, `${field} must be at most ${max} characters`);
/** Model years over all of a part's fitments: each is an index key (part.store.ts fitKeys). */
export const MAX_FITMENT_YEARS = 400;
const year = z.number().int('years are whole numbers').min(1900, 'years start at 1900').max(2100);

const partSchema = z.object({
  centreId: z.string().regex(/^[0-9a-f]{24}$/, 'centreId is not a valid id'),
  sku: text('sku', 40).regex(/^[A-Za-z0-9][A-Za-z0-9 ._/-]*$/, 'sku is letters, digits and . _ / -'),
  name: text('name', 120),
  brand: text('brand', 60),
  priceMinor: z
    .number()
    .int('priceMinor must be whole minor units')
    .min(1, 'priceMinor must be positive')
    .max(100_000_000),
  currency: z.string().refine(isCurrencyCode, 'currency must be an ISO 4217 code such as EUR'),
  fitment: z
    .array(
      z
        .object({ make: text('make', 40), model: text('model', 60), yearFrom: year, yearTo: year })
        .refine((f) => f.yearFrom <= f.yearTo, 'yearFrom must not be after yearTo'),
    )
    .max(50, 'at most 50 fitments')
    .refine(
      (all) => all.reduce((years, f) => years + f.yearTo - f.yearFrom + 1, 0) <= MAX_FITMENT_YEARS,
      `at most ${MAX_FITMENT_YEARS} model years over all fitments`,
    ),
  initialStock: z.number().int().min(0, 'initialStock must not be negative').max(MAX_STOCK).nullish(),
  lowStockThreshold: thresholdSchema.nullish(),
});
export type PartRequest = z.input<typeof partSchema>;

export interface PartSearch extends PageArgs {
  vehicleId?: string | null;
  query?: string | null;
  centreId?: string | null;
}

/** The catalogue: partners add their centre's parts; anyone signed in searches it. */
export class PartService {
  constructor(
    private readonly parts: PartStore,
    private readonly stock: StockStore,
    private readonly centres: CentreSource,
    private readonly access: VehicleAccess,
    private readonly profiles: VehicleProfiles,
    private readonly stockEvents: StockEvents,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /**
   * Adds a part with its stock. The stock document is written first (same `_id`): a crash in
   * between leaves stock nothing refers to, never a part without stock.
   */
  async add(viewer: Viewer | undefined, input: PartRequest): Promise<PartDocument> {
    const user = requireUser(viewer);
    const parsed = parseInput(partSchema, input);
    const centre = await centreForMember(this.centres, user, new ObjectId(parsed.centreId));
    const skuKey = words(parsed.sku).join('');
    if (!skuKey) throw new BadUserInputError('sku must contain letters or digits', 'sku');
    const now = this.clock();
    const _id = new ObjectId();
    const doc: PartDocument = {
      _id,
      centreId: centre._id.toHexString(),
      sku: parsed.sku.toUpperCase(),
      skuKey,
      name: parsed.name,
      brand: parsed.brand,
      priceMinor: parsed.priceMinor,
      currency: parsed.currency,
      fitment: parsed.fitment,
      fitKeys: fitKeys(parsed.fitment),
      search: searchTokens(parsed),
      createdBy: user.userId,
      createdAt: now,
    };
    if (await this.parts.findBySku(doc.centreId, skuKey)) throw new ConflictError(`${doc.sku} is already listed`);
    await this.stock.create({
      _id,
      centreId: doc.centreId,
      sku: doc.sku,
      name: doc.name,
      quantity: parsed.initialStock ?? 0,
      lowStockThreshold: parsed.lowStockThreshold ?? 0,
      low: false,
      holds: {},
      version: 0,
      updatedAt: now,
    });
    if (!(await this.parts.insert(doc))) throw new ConflictError(`${doc.sku} is already listed`);
    await this.stockEvents.afterWrite(await this.stock.findById(_id));
    return doc;
  }

  /**
   * Parts that fit the vehicle (its owner's, or any for staff), match every word of the query
   * (by prefix, on name, brand and SKU) and belong to the centre, newest first.
   */
  async search(viewer: Viewer | undefined, args: PartSearch): Promise<Connection<PartDocument>> {
    requireUser(viewer);
    const query: PartQuery = {};
    if (args.query !== undefined && args.query !== null) {
      if (typeof args.query !== 'string' || args.query.length > 200)
        throw new BadUserInputError('query must be at most 200 characters', 'query');
      const found = queryTokens(args.query);
      if (!found) throw new BadUserInputError('query needs a word of at least 2 letters or digits', 'query');
      query.words = found;
    }
    if (args.centreId) query.centreId = parseId(args.centreId, 'centreId').toHexString();
    if (args.vehicleId) {
      await authorizeVehicle(this.access, viewer, args.vehicleId, 'read');
      const profile = await this.profiles.profile(args.vehicleId);
      if (!profile?.make || !profile.model) {
        throw new BadUserInputError('The vehicle has no make and model recorded: parts cannot be matched', 'vehicleId');
      }
      const key = fitKey(profile.make, profile.model);
      query.fits = profile.year === null ? key : `${key}|${profile.year}`;
    }
    return this.parts.search(query, args);
  }
}
