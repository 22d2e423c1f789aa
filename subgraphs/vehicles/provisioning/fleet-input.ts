import { createHash } from 'node:crypto';
import { z } from 'zod';
import { BadUserInputError } from '../../../platform/errors.js';
import { emailSchema } from '../../identity/contract.js';
import { serialSchema } from '../devices/device.service.js';
import { parseNewVehicle, type VehicleDetails } from '../vehicles/vehicle-input.js';
import type { DecodedVin } from '../vin/vin.js';

/**
 * One request's bounds: what one call can validate, write and answer well inside the gateway's
 * subgraph timeout and body limit (500 vehicles with serials are about 70 KB of JSON). Larger
 * fleets go in several requests.
 */
export const MAX_FLEET_OWNERS = 100;
export const MAX_FLEET_VEHICLES = 500;

export interface FleetVehicle extends VehicleDetails {
  vin: DecodedVin;
  serial: string | null;
  /** Where it was in the input, for error messages: `owners.2.vehicles.0`. */
  path: string;
}

export interface FleetOwner {
  externalRef: string | null;
  email: string;
  name: string;
  vehicles: FleetVehicle[];
  path: string;
}

export interface ParsedFleet {
  idempotencyKey: string;
  owners: FleetOwner[];
  vehicleCount: number;
  /** A digest of the normalised request: a key reused for another request is told apart by it. */
  fingerprint: string;
}

const idempotencyKeySchema = z
  .string()
  .min(16, 'idempotencyKey needs at least 16 characters (a UUID, say)')
  .max(128, 'idempotencyKey is at most 128 characters')
  .regex(/^[A-Za-z0-9._:-]+$/, 'idempotencyKey may hold letters, digits and . _ : - only');

const text = (field: string, min: number, max: number) =>
  z
    .string()
    .trim()
    .min(min, `${field} is required`)
    .max(max, `${field} is too long (at most ${max} characters)`)
    .regex(/^[^\p{Cc}]*$/u, `${field} must not contain control characters`);

const ownerSchema = z.object({
  externalRef: text('externalRef', 1, 100)
    .nullish()
    .transform((s) => s ?? null),
  email: emailSchema,
  name: text('name', 1, 100),
});

const fail = (message: string, field: string): never => {
  throw new BadUserInputError(message, field);
};

/** Parses `schema` at `path`, reporting the first problem with its full path. */
function parseAt<T>(schema: z.ZodType<T>, value: unknown, path: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = [path, ...(issue?.path ?? [])].filter((p) => p !== '').join('.');
  return fail(`${where}: ${issue?.message ?? 'invalid'}`, where);
}

interface RawVehicle {
  vin: unknown;
  make?: unknown;
  model?: unknown;
  year?: unknown;
  nickname?: unknown;
  pairDeviceSerial?: unknown;
}

interface RawFleet {
  idempotencyKey: unknown;
  owners: { externalRef?: unknown; email: unknown; name: unknown; vehicles: RawVehicle[] }[];
}

/**
 * Validates a whole provisionFleet request before anything is read or written: the first
 * problem is BAD_USER_INPUT naming its place (`owners.3.vehicles.1.vin`). The same rules as
 * register, addVehicle and pairObdDevice, plus the request's bounds and no email, VIN or
 * serial twice.
 */
export function parseFleet(raw: RawFleet, now: Date, limits: { maxVehiclesPerOwner: number }): ParsedFleet {
  const idempotencyKey = parseAt(idempotencyKeySchema, raw.idempotencyKey, 'idempotencyKey');
  if (!Array.isArray(raw.owners) || raw.owners.length === 0) fail('owners must name at least one owner', 'owners');
  if (raw.owners.length > MAX_FLEET_OWNERS) {
    fail(`owners holds ${raw.owners.length}; at most ${MAX_FLEET_OWNERS} per request`, 'owners');
  }
  const vehicleCount = raw.owners.reduce((n, o) => n + (Array.isArray(o.vehicles) ? o.vehicles.length : 0), 0);
  if (vehicleCount > MAX_FLEET_VEHICLES) {
    fail(`the owners hold ${vehicleCount} vehicles; at most ${MAX_FLEET_VEHICLES} per request`, 'owners');
  }

  const emails = new Set<string>();
  const vins = new Set<string>();
  const serials = new Set<string>();
  const owners = raw.owners.map((rawOwner, i): FleetOwner => {
    const path = `owners.${i}`;
    const owner = parseAt(ownerSchema, rawOwner, path);
    if (emails.has(owner.email)) fail(`${path}.email: ${owner.email} appears twice in this request`, `${path}.email`);
    emails.add(owner.email);
    if (rawOwner.vehicles.length > limits.maxVehiclesPerOwner) {
      fail(`${path}.vehicles: an owner can have at most ${limits.maxVehiclesPerOwner} vehicles`, `${path}.vehicles`);
    }
    const vehicles = rawOwner.vehicles.map((rawVehicle, j): FleetVehicle => {
      const at = `${path}.vehicles.${j}`;
      const vehicle = withPath(at, () => parseNewVehicle({ ...rawVehicle }, now));
      if (vins.has(vehicle.vin.vin)) fail(`${at}.vin: ${vehicle.vin.vin} appears twice in this request`, `${at}.vin`);
      vins.add(vehicle.vin.vin);
      const serial =
        rawVehicle.pairDeviceSerial === null || rawVehicle.pairDeviceSerial === undefined
          ? null
          : parseAt(serialSchema, rawVehicle.pairDeviceSerial, `${at}.pairDeviceSerial`);
      if (serial !== null && serials.has(serial)) {
        fail(`${at}.pairDeviceSerial: ${serial} appears twice in this request`, `${at}.pairDeviceSerial`);
      }
      if (serial !== null) serials.add(serial);
      return { ...vehicle, serial, path: at };
    });
    return { ...owner, vehicles, path };
  });

  const canonical = owners.map((o) => ({
    externalRef: o.externalRef,
    email: o.email,
    name: o.name,
    vehicles: o.vehicles.map((v) => [v.vin.vin, v.make, v.model, v.year, v.nickname, v.serial]),
  }));
  const fingerprint = createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
  return { idempotencyKey, owners, vehicleCount, fingerprint };
}

/** Runs a single-vehicle parser, putting the vehicle's place in front of the field it names. */
function withPath<T>(path: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof BadUserInputError)) throw error;
    const field = typeof error.extensions.field === 'string' ? `${path}.${error.extensions.field}` : path;
    throw new BadUserInputError(`${field}: ${error.message}`, field);
  }
}
