import { LRUCache } from 'lru-cache';
import {
  marketplaceClient,
  type PartnerScope,
  type PartnerVehiclesResponse,
} from '../../subgraphs/marketplace/contract.js';
import { ForbiddenError, ServiceUnavailableError } from '../errors.js';
import type { SubgraphContext } from '../subgraph/context.js';
import type { VehicleAccess } from './vehicle-access.js';
import type { DataScope } from './org-grants.js';
import { authorizeRead } from './vehicle-read.js';

/**
 * Whether a user works on a vehicle (the marketplace): scope `work` (default), a centre they are a
 * member of has a booking for it or is helping it at the roadside; scope `roadside`, only the latter.
 */
export interface PartnerAccess {
  seesVehicle(userId: string, vehicleId: string, scope?: PartnerScope): Promise<boolean>;
}

export type { PartnerScope };

/** For services built without the marketplace (unit tests): nobody is anybody's partner. */
export const NO_PARTNER_ACCESS: PartnerAccess = { seesVehicle: async () => false };

export interface HttpPartnerAccessOptions {
  /**
   * The marketplace subgraph's URL (only its origin is used), or how to find it when asked: the
   * marketplace starts after the services that ask it, so its address may be known only later.
   */
  marketplaceUrl: string | (() => string);
  internalSecret: string;
  /** Answers are reused this long (default 10 s). */
  cacheSeconds?: number;
}

/** Asks the marketplace's partner-vehicles route through its typed client (subgraphs/marketplace/contract.ts). */
export class HttpPartnerAccess implements PartnerAccess {
  private readonly cache: LRUCache<string, boolean>;

  constructor(private readonly options: HttpPartnerAccessOptions) {
    this.cache = new LRUCache({ max: 20_000, ttl: (options.cacheSeconds ?? 10) * 1000 });
  }

  async seesVehicle(userId: string, vehicleId: string, scope: PartnerScope = 'work'): Promise<boolean> {
    const key = `${scope}\n${userId}\n${vehicleId}`;
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    let answer: PartnerVehiclesResponse;
    try {
      const base = this.options.marketplaceUrl;
      const marketplace = marketplaceClient({
        url: typeof base === 'function' ? base() : base,
        internalSecret: this.options.internalSecret,
      });
      answer = await marketplace.partnerVehicles({
        userId: String(userId),
        vehicleIds: [String(vehicleId)],
        ...(scope === 'work' ? {} : { scope }),
      });
    } catch {
      // Unreachable, refused or answered outside the contract: all the same to the caller, which fails closed.
      throw new ServiceUnavailableError('Partner access cannot be checked right now');
    }
    const sees = answer.vehicleIds.includes(String(vehicleId));
    // A roadside refusal is not kept: a partner who looked before accepting reads the vehicle at once after.
    if (sees || scope === 'work') this.cache.set(key, sees);
    return sees;
  }
}

/**
 * The read rule for the fields a centre's members may see of a vehicle they have a booking for
 * (its health score, its trouble codes): the owner and staff as always, and besides them a
 * member of a centre the vehicle is booked at (scope `work`). Scope `roadside` admits, besides the
 * owner and staff, only the members of the centre helping the vehicle at the roadside right now
 * (its latest readings, its alerts). Everything else about a vehicle keeps `authorizeRead` alone.
 */
export async function authorizePartnerRead(
  access: VehicleAccess,
  partners: PartnerAccess,
  context: SubgraphContext,
  vehicleId: string,
  scope: PartnerScope = 'work',
  dataScope?: DataScope,
): Promise<void> {
  try {
    await authorizeRead(access, context, vehicleId, dataScope);
  } catch (error) {
    const viewer = context.viewer;
    if (!(error instanceof ForbiddenError) || viewer?.kind !== 'user') throw error;
    // Fails closed: with the marketplace unreachable the refusal stands, as it would for anyone.
    if (!(await partners.seesVehicle(viewer.userId, vehicleId, scope).catch(() => false))) throw error;
  }
}
