import { errorCode, type GraphQLErrorShape } from '../simulator/gateway-client.js';
import { sendWithRetry, type SendContext } from '../simulator/send.js';
import type { Authorizer } from './credentials.js';

/** What one provisionFleet request may hold (the server's bounds, subgraphs/vehicles/provisioning/fleet-input.ts). */
export const MAX_OWNERS_PER_REQUEST = 100;
export const MAX_VEHICLES_PER_REQUEST = 500;

export interface FleetVehiclePlan {
  vin: string;
  make?: string | null;
  model?: string | null;
  year?: number | null;
  nickname?: string | null;
  pairDeviceSerial?: string | null;
}

export interface FleetOwnerPlan {
  externalRef?: string | null;
  email: string;
  name: string;
  vehicles: FleetVehiclePlan[];
}

export interface ProvisionedVehicle {
  vehicleId: string;
  vin: string;
  created: boolean;
  deviceId: string | null;
  /** Only for a device this request paired (or its replay). */
  deviceToken: string | null;
}

export interface ProvisionedOwner {
  externalRef: string | null;
  email: string;
  userId: string;
  created: boolean;
  vehicles: ProvisionedVehicle[];
}

export interface ProvisionedFleet {
  replayed: boolean;
  ownersCreated: number;
  vehiclesCreated: number;
  devicesPaired: number;
  owners: ProvisionedOwner[];
}

export const PROVISION_FLEET = `mutation ScriptProvisionFleet($input: ProvisionFleetInput!) {
  provisionFleet(input: $input) {
    replayed ownersCreated vehiclesCreated devicesPaired
    owners {
      externalRef email created user { id }
      vehicles { created vehicle { id vin } device { paired deviceToken device { id } } }
    }
  }
}`;

interface ProvisionFleetData {
  provisionFleet: Omit<ProvisionedFleet, 'owners'> & {
    owners: {
      externalRef: string | null;
      email: string;
      created: boolean;
      user: { id: string };
      vehicles: {
        created: boolean;
        vehicle: { id: string; vin: string };
        device: { paired: boolean; deviceToken: string | null; device: { id: string } } | null;
      }[];
    }[];
  };
}

/** The request was refused for good (bad input, a VIN held by someone else, no right to provision). */
export class ProvisionError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** Where in the request, as the server names it: `owners.3.vehicles.0.vin`. */
    readonly field: string | null,
  ) {
    super(`provisionFleet refused: ${code}: ${message}`);
    this.name = 'ProvisionError';
  }
}

/** Owners in request-sized groups, in order: at most 100 owners and 500 vehicles each. */
export function chunkOwners<T extends { vehicles: readonly unknown[] }>(
  owners: readonly T[],
  maxOwners = MAX_OWNERS_PER_REQUEST,
  maxVehicles = MAX_VEHICLES_PER_REQUEST,
): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let vehicles = 0;
  for (const owner of owners) {
    if (current.length > 0 && (current.length >= maxOwners || vehicles + owner.vehicles.length > maxVehicles)) {
      chunks.push(current);
      current = [];
      vehicles = 0;
    }
    current.push(owner);
    vehicles += owner.vehicles.length;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/**
 * One provisionFleet request. Whatever the server says to retry (RATE_LIMITED, SERVICE_UNAVAILABLE,
 * the same key still in progress) is retried with the same idempotency key, never sooner than it
 * asks (Retry-After, retryAfterSeconds): the server answers a retry with the first result, so
 * nothing is created twice. An expired admin session signs in again.
 */
export async function provisionFleet(
  ctx: SendContext,
  auth: Authorizer,
  idempotencyKey: string,
  owners: readonly FleetOwnerPlan[],
): Promise<ProvisionedFleet> {
  for (let renewed = false; ; renewed = true) {
    const [result] = await sendWithRetry(
      ctx,
      [{ query: PROVISION_FLEET, variables: { input: { idempotencyKey, owners } } }],
      await auth.credential(),
    );
    const error: GraphQLErrorShape | undefined = result.errors?.[0];
    const data = (result.data as ProvisionFleetData | null | undefined)?.provisionFleet;
    if (!error && data) return flatten(data);
    const code = error ? errorCode(error) : 'NO_DATA';
    if (code === 'UNAUTHENTICATED' && !renewed && auth.renew()) continue;
    const field = typeof error?.extensions?.field === 'string' ? error.extensions.field : null;
    throw new ProvisionError(code, error?.message ?? 'no data', field);
  }
}

function flatten(data: ProvisionFleetData['provisionFleet']): ProvisionedFleet {
  return {
    replayed: data.replayed,
    ownersCreated: data.ownersCreated,
    vehiclesCreated: data.vehiclesCreated,
    devicesPaired: data.devicesPaired,
    owners: data.owners.map((owner) => ({
      externalRef: owner.externalRef,
      email: owner.email,
      userId: owner.user.id,
      created: owner.created,
      vehicles: owner.vehicles.map((v) => ({
        vehicleId: v.vehicle.id,
        vin: v.vehicle.vin,
        created: v.created,
        deviceId: v.device?.device.id ?? null,
        deviceToken: v.device?.deviceToken ?? null,
      })),
    })),
  };
}
