import { LRUCache } from 'lru-cache';
import { MAX_OWNERSHIP_IDS, vehiclesClient, type VehicleOwnership } from '../../subgraphs/vehicles/contract.js';
import { isStaff, type Viewer } from '../auth/viewer.js';
import type { OrgReadAudit } from './org-read-audit.js';
import { authorizeOrgRead, type DataScope, type OrgGrants } from './org-grants.js';
import { ForbiddenError, NotFoundError, ServiceUnavailableError, UnauthenticatedError } from '../errors.js';

/** Who owns a vehicle (`active` false once it is removed), as the vehicles subgraph's contract says. */
export type { VehicleOwnership };

/** Who owns a vehicle, as the vehicles subgraph (its owner) says. */
export interface VehicleAccess {
  ownership(vehicleId: string): Promise<VehicleOwnership | null>;
  /** Owners' grants to organisations; without them API keys read no vehicle. */
  readonly grants?: OrgGrants;
  /** Where organisations' authorised reads are audited. */
  readonly audit?: OrgReadAudit;
}

export interface HttpVehicleAccessOptions {
  /** The vehicles subgraph's /graphql URL; its internal route answers ownership questions. */
  vehiclesUrl: string;
  internalSecret: string;
  /** Ownership answers are reused this long (default 10 s); a transfer or removal shows up at most this late. */
  cacheSeconds?: number;
  /**
   * How long ids asked for meanwhile wait to go in one request (default 5 ms). Past half of
   * `cacheSeconds` an answer is still used, and refreshed in the next such request.
   */
  batchWindowMs?: number;
  /** Owners' grants to organisations, for API keys' reads. */
  grants?: OrgGrants;
  audit?: OrgReadAudit;
}

/** What the ownership route takes in one call. */
const MAX_IDS_PER_CALL = MAX_OWNERSHIP_IDS;

interface Cached {
  value: VehicleOwnership | null;
  fetchedAt: number;
}

/**
 * Asks the vehicles subgraph's ownership route (subgraphs/vehicles/contract.ts), which leaves
 * out ids it does not know.
 *
 * Every vehicle of a fleet that uploads once a second asks again every `cacheSeconds`: so ids
 * asked for within a few milliseconds go in one call (one `$in` on the vehicles' side instead of
 * a call and a query each), and an answer past half its life is used while it is refreshed in
 * the background, so an upload waits for a lookup only for a vehicle it has not seen lately.
 */
export class HttpVehicleAccess implements VehicleAccess {
  private readonly cache: LRUCache<string, Cached>;
  private readonly vehicles: ReturnType<typeof vehiclesClient>;
  private readonly ttlMs: number;
  private readonly batchWindowMs: number;
  /** Ids waiting for the next call, with whoever waits for their answer. */
  private pending = new Map<string, { resolve: (v: VehicleOwnership | null) => void; reject: (e: Error) => void }[]>();
  /** Ids in a call on the wire, so that a second caller waits for that call instead of sending another. */
  private readonly inFlight = new Map<string, Promise<VehicleOwnership | null>>();
  private timer: NodeJS.Timeout | undefined;
  readonly grants: OrgGrants | undefined;
  readonly audit: OrgReadAudit | undefined;

  constructor(private readonly options: HttpVehicleAccessOptions) {
    this.grants = options.grants;
    this.audit = options.audit;
    this.vehicles = vehiclesClient({ url: options.vehiclesUrl, internalSecret: options.internalSecret });
    this.ttlMs = (options.cacheSeconds ?? 10) * 1000;
    this.batchWindowMs = options.batchWindowMs ?? 5;
    this.cache = new LRUCache({ max: 50_000, ttl: this.ttlMs });
  }

  async ownership(vehicleId: string): Promise<VehicleOwnership | null> {
    const id = String(vehicleId);
    const cached = this.cache.get(id);
    if (cached) {
      // A refresh that fails leaves the answer to expire: the next caller asks and sees the failure.
      if (Date.now() - cached.fetchedAt >= this.ttlMs / 2 && !this.inFlight.has(id) && !this.pending.has(id))
        this.lookUp(id).catch(() => undefined);
      return cached.value;
    }
    return this.inFlight.get(id) ?? this.lookUp(id);
  }

  /** Queues `id` for the next call. */
  private lookUp(id: string): Promise<VehicleOwnership | null> {
    const answer = new Promise<VehicleOwnership | null>((resolve, reject) => {
      const waiting = this.pending.get(id);
      if (waiting) waiting.push({ resolve, reject });
      else this.pending.set(id, [{ resolve, reject }]);
    });
    this.inFlight.set(id, answer);
    const forget = () => {
      if (this.inFlight.get(id) === answer) this.inFlight.delete(id);
    };
    answer.then(forget, forget);
    if (this.pending.size >= MAX_IDS_PER_CALL) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.batchWindowMs);
    return answer;
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = new Map();
    if (batch.size > 0) void this.call(batch);
  }

  private async call(
    batch: Map<string, { resolve: (v: VehicleOwnership | null) => void; reject: (e: Error) => void }[]>,
  ) {
    const settle = (id: string, outcome: { value: VehicleOwnership | null } | { error: Error }) => {
      for (const waiter of batch.get(id) ?? []) {
        if ('error' in outcome) waiter.reject(outcome.error);
        else waiter.resolve(outcome.value);
      }
    };
    let found: Map<string, VehicleOwnership>;
    try {
      found = await this.fetchOwnership([...batch.keys()]);
    } catch (error) {
      for (const id of batch.keys()) settle(id, { error: error as Error });
      return;
    }
    const fetchedAt = Date.now();
    for (const id of batch.keys()) {
      const value = found.get(id) ?? null;
      this.cache.set(id, { value, fetchedAt });
      settle(id, { value });
    }
  }

  private async fetchOwnership(vehicleIds: string[]): Promise<Map<string, VehicleOwnership>> {
    let vehicles: VehicleOwnership[];
    try {
      vehicles = await this.vehicles.ownership(vehicleIds);
    } catch {
      throw new ServiceUnavailableError('Vehicle ownership cannot be checked right now');
    }
    return new Map(vehicles.map((v) => [v.vehicleId, v]));
  }
}

export type VehicleOperation = 'read' | 'ingest';

/**
 * `authorizeVehicle(..., 'ingest')`, except that a device uploading for its own vehicle needs no
 * lookup: the gateway verified its token with the vehicles subgraph (live, paired, the vehicle
 * not removed) and drops that verdict as soon as either is revoked. Asking the same subgraph
 * again on every upload put a call and a query in front of every write, for an answer that
 * could only be staler (ownership answers are cached, and no revocation drops them).
 */
export async function authorizeIngest(access: VehicleAccess, viewer: Viewer | undefined, vehicleId: string) {
  if (viewer?.kind === 'device') {
    if (viewer.vehicleId !== vehicleId) throw new ForbiddenError('This device is paired with another vehicle');
    return;
  }
  await authorizeVehicle(access, viewer, vehicleId, 'ingest');
}

/**
 * Object-level authorization for anything keyed by a vehicle. Staff and admins see every
 * vehicle; a customer only their own; a device only its one vehicle, and only to ingest; an
 * organisation's API key only reads, what the owner granted it in `scope` (none: no API key).
 */
export async function authorizeVehicle(
  access: VehicleAccess,
  viewer: Viewer | undefined,
  vehicleId: string,
  operation: VehicleOperation,
  scope?: DataScope,
): Promise<VehicleOwnership> {
  if (!viewer) throw new UnauthenticatedError();
  if (viewer.kind === 'apiKey') {
    if (operation !== 'read' || !scope) throw new ForbiddenError('API keys cannot access vehicle data');
    await authorizeOrgRead(access.grants, viewer, vehicleId, scope);
    const ownership = await access.ownership(vehicleId);
    // A grant outlives a removed vehicle's data being readable: refuse, without saying it existed.
    if (!ownership || !ownership.active) throw new ForbiddenError('API keys cannot access vehicle data');
    access.audit?.record({ organizationId: viewer.ownerId, keyId: viewer.keyId, vehicleId, scope });
    return ownership;
  }
  if (viewer.kind === 'device') {
    if (operation !== 'ingest') throw new ForbiddenError('Device tokens may only ingest');
    if (viewer.vehicleId !== vehicleId) throw new ForbiddenError('This device is paired with another vehicle');
  }
  const ownership = await access.ownership(vehicleId);
  if (!ownership || !ownership.active) {
    if (viewer.kind === 'user' && !isStaff(viewer)) throw new ForbiddenError('Not your vehicle');
    throw new NotFoundError('Vehicle');
  }
  if (viewer.kind === 'user' && !isStaff(viewer) && ownership.ownerId !== viewer.userId) {
    throw new ForbiddenError('Not your vehicle');
  }
  return ownership;
}
