import { computeCheckDigit } from '../../subgraphs/vehicles/vin/vin.js';
import type { FleetOwnerPlan } from '../fleet/provision-fleet.js';
import { MODELS } from '../simulator/vin.js';
import type { SeedScale } from './scales.js';

/*
 * The seed's owners and vehicles, the same on every run of a scale (so a resumed or repeated
 * seed asks for the same records and provisioning answers the ones that exist). Scales do not
 * share records: each has its own emails, serials and VIN plant letter, so seeding `small` and
 * then `seed` into one database gives both.
 */

const pad = (n: number) => String(n).padStart(6, '0');
const FIRST = ['Alex', 'Sam', 'Maria', 'Jon', 'Priya', 'Chen', 'Fatima', 'Lukas', 'Ana', 'Kofi', 'Mei', 'Omar'];
const LAST = ['Smith', 'Garcia', 'Müller', 'Okafor', 'Nguyen', 'Rossi', 'Kowalski', 'Silva', 'Tanaka', 'Haddad'];
/** VIN letters (no I, O, Q) for position 11, the plant: one per scale keeps their VINs apart. */
const PLANTS = 'ABCDEFGHJKLMNPRSTUVWXYZ';
const YEAR_CODES = 'ABCDEFGHJKLMNPRSTVWXY123456789';

export interface PlannedVehicle {
  /** 0-based over the whole scale. */
  index: number;
  vin: string;
  make: string;
  model: string;
  year: number;
  nickname: string;
  serial: string;
}

export interface PlannedOwner {
  index: number;
  plan: FleetOwnerPlan;
  vehicles: PlannedVehicle[];
}

export const vehiclesOf = (scale: SeedScale, owner: number) => (owner < scale.vehicles - scale.customers ? 2 : 1);

/** The index of an owner's first vehicle: owners before the `extra` ones' end have two each. */
const firstVehicleOf = (scale: SeedScale, owner: number) => owner + Math.min(owner, scale.vehicles - scale.customers);

function plantOf(scale: SeedScale): string {
  if (scale.name === 'small') return 'S';
  if (scale.name === 'seed') return 'L';
  let hash = 0;
  for (const c of scale.name) hash = (hash * 31 + c.charCodeAt(0)) % 9973;
  return PLANTS[hash % PLANTS.length]!;
}

/** A valid North American VIN (check digit, model year in position 10), unique per scale and index. */
export function plannedVehicle(scale: SeedScale, index: number): PlannedVehicle {
  const { wmi, make, model } = MODELS[index % MODELS.length]!;
  const year = 2010 + (index % 16);
  const draft = `${wmi}CM8E20${YEAR_CODES[(year - 1980) % 30]}${plantOf(scale)}${pad(index)}`;
  const vin = `${draft.slice(0, 8)}${computeCheckDigit(draft)}${draft.slice(9)}`;
  return {
    index,
    vin,
    make,
    model,
    year,
    nickname: `${model} ${index + 1}`,
    serial: `SEED-${scale.name.toUpperCase()}-${pad(index)}`,
  };
}

export function plannedOwner(scale: SeedScale, index: number): PlannedOwner {
  const first = firstVehicleOf(scale, index);
  const vehicles = Array.from({ length: vehiclesOf(scale, index) }, (_, k) => plannedVehicle(scale, first + k));
  return {
    index,
    vehicles,
    plan: {
      externalRef: `${scale.name}-${pad(index)}`,
      email: `${scale.name}.customer${pad(index)}@seed.clutch.test`,
      name: `${FIRST[index % FIRST.length]} ${LAST[Math.floor(index / FIRST.length) % LAST.length]}`,
      vehicles: vehicles.map((v) => ({
        vin: v.vin,
        make: v.make,
        model: v.model,
        year: v.year,
        nickname: v.nickname,
        pairDeviceSerial: v.serial,
      })),
    },
  };
}

/** Which vehicles get a telemetry history: spread evenly over the fleet. */
export function readingVehicleIndices(scale: SeedScale): number[] {
  return Array.from({ length: scale.readingVehicles }, (_, k) =>
    Math.floor((k * scale.vehicles) / scale.readingVehicles),
  );
}

/** Owners in provisioning requests: 100 owners (at most 200 vehicles) each, always the same split. */
export const OWNERS_PER_REQUEST = 100;
export const fleetRequests = (scale: SeedScale) => Math.ceil(scale.customers / OWNERS_PER_REQUEST);
export function ownersOfRequest(scale: SeedScale, request: number): PlannedOwner[] {
  const from = request * OWNERS_PER_REQUEST;
  const to = Math.min(scale.customers, from + OWNERS_PER_REQUEST);
  return Array.from({ length: to - from }, (_, i) => plannedOwner(scale, from + i));
}
