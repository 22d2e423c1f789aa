import { LRUCache } from 'lru-cache';
import { INTERNAL_SECRET_HEADER, isStaff, type Viewer } from '../auth/viewer.js';
import { ForbiddenError, NotFoundError, ServiceUnavailableError, UnauthenticatedError } from '../errors.js';

export interface VehicleOwnership {
  vehicleId: string;
  ownerId: string;
  /** False once the vehicle is removed (soft delete). */
  active: boolean;
}

/** Who owns a vehicle, as the vehicles subgraph (its owner) says. */
export interface VehicleAccess {
  ownership(vehicleId: string): Promise<VehicleOwnership | null>;
}

export interface HttpVehicleAccessOptions {
  /** The vehicles subgraph's /graphql URL; its internal route answers ownership questions. */
  vehiclesUrl: string;
  internalSecret: string;
  /** Ownership answers are reused this long (default 10 s); a transfer or removal shows up at most this late. */
  cacheSeconds?: number;
}

/**
 * Contract with the vehicles subgraph: `POST /internal/vehicles/ownership` with
 * `{ "vehicleIds": ["..."] }` answers `{ "vehicles": [{ vehicleId, ownerId, active }] }`,
 * leaving out ids it does not know.
 */
export class HttpVehicleAccess implements VehicleAccess {
  private readonly cache: LRUCache<string, { value: VehicleOwnership | null }>;
  private readonly url: string;

  constructor(private readonly options: HttpVehicleAccessOptions) {
    this.url = `${new URL(options.vehiclesUrl).origin}/internal/vehicles/ownership`;
    this.cache = new LRUCache({ max: 50_000, ttl: (options.cacheSeconds ?? 10) * 1000 });
  }

  async ownership(vehicleId: string): Promise<VehicleOwnership | null> {
    const cached = this.cache.get(vehicleId);
    if (cached) return cached.value;
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [INTERNAL_SECRET_HEADER]: this.options.internalSecret },
        body: JSON.stringify({ vehicleIds: [vehicleId] }),
        signal: AbortSignal.timeout(5000),
      });
    } catch {
      throw new ServiceUnavailableError('Vehicle ownership cannot be checked right now');
    }
    if (!response.ok) throw new ServiceUnavailableError('Vehicle ownership cannot be checked right now');
    const body = (await response.json()) as { vehicles?: VehicleOwnership[] };
    const value = body.vehicles?.find((v) => v.vehicleId === vehicleId) ?? null;
    this.cache.set(vehicleId, { value });
    return value;
  }
}

export type VehicleOperation = 'read' | 'ingest';

/**
 * Object-level authorization for anything keyed by a vehicle. Staff and admins see every
 * vehicle; a customer only their own; a device only its one vehicle, and only to ingest.
 */
export async function authorizeVehicle(
  access: VehicleAccess,
  viewer: Viewer | undefined,
  vehicleId: string,
  operation: VehicleOperation,
): Promise<VehicleOwnership> {
  if (!viewer) throw new UnauthenticatedError();
  if (viewer.kind === 'apiKey') throw new ForbiddenError('API keys cannot access vehicle data');
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
