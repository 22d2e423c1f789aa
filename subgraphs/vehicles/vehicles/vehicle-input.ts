import { z } from 'zod';
import { BadUserInputError } from '../../../platform/errors.js';
import { parseInput } from '../../../platform/graphql/parse-input.js';
import { decodeVin, type DecodedVin } from '../vin/vin.js';

/** The 17-character VIN dates from model year 1981; a year before 1980 is a typo. */
export const MIN_YEAR = 1980;

/** What the rules below need from a decoded VIN (a stored `VinInfo` has it too). */
export type VinFacts = Pick<DecodedVin, 'region' | 'manufacturer' | 'modelYear'>;

/** The fields an owner chooses, as stored. */
export interface VehicleDetails {
  make: string | null;
  model: string | null;
  year: number | null;
  nickname: string | null;
}

/** Trimmed; blank becomes null; control characters refused (they end up in dashboards and logs). */
const text = (field: string, max: number) =>
  z
    .string()
    .trim()
    .max(max, `${field} is too long (at most ${max} characters)`)
    .regex(/^[^\p{Cc}]*$/u, `${field} must not contain control characters`)
    .transform((s) => s || null)
    .nullish();

const buildDetailsSchema = (now: Date) =>
  z.object({
    make: text('make', 50),
    model: text('model', 50),
    nickname: text('nickname', 60),
    year: z
      .number()
      .int('year must be a whole number')
      .min(MIN_YEAR, `year must be ${MIN_YEAR} or later`)
      .max(now.getUTCFullYear() + 1, `year cannot be later than ${now.getUTCFullYear() + 1}`)
      .nullish(),
  });

/** Built once per year rather than per call: a zod schema costs ~1 ms to build, fleet provisioning parses 500. */
const schemasByYear = new Map<number, ReturnType<typeof buildDetailsSchema>>();
function detailsSchema(now: Date) {
  const year = now.getUTCFullYear();
  let schema = schemasByYear.get(year);
  if (!schema) schemasByYear.set(year, (schema = buildDetailsSchema(now)));
  return schema;
}

/** Decodes and validates a VIN, or BAD_USER_INPUT with the reason. */
export function parseVin(vin: unknown, now: Date): DecodedVin {
  if (typeof vin !== 'string') throw new BadUserInputError('vin is required', 'vin');
  const result = decodeVin(vin, { now });
  if (!result.ok) throw new BadUserInputError(`Invalid VIN: ${result.reason}`, 'vin');
  return result.vin;
}

/**
 * A North American VIN carries its model year by law (49 CFR 565), so a `year` that disagrees
 * is a typo and is refused; when no year is given the VIN's is used. Elsewhere position 10
 * is often not a year at all, so the owner's word stands and nothing is inferred.
 */
export function resolveYear(given: number | null | undefined, vin: VinFacts): number | null {
  const authoritative = vin.region === 'NORTH_AMERICA' ? vin.modelYear : null;
  if (given === null || given === undefined) return authoritative;
  if (authoritative !== null && given !== authoritative) {
    throw new BadUserInputError(`year ${given} contradicts the VIN, whose model year is ${authoritative}`, 'year');
  }
  return given;
}

/** Make defaults to the manufacturer the VIN names. */
const resolveMake = (given: string | null | undefined, vin: VinFacts) => given ?? vin.manufacturer;

export function parseNewVehicle(
  input: { vin: unknown } & Record<string, unknown>,
  now: Date,
): { vin: DecodedVin } & VehicleDetails {
  const vin = parseVin(input.vin, now);
  const details = parseInput(detailsSchema(now), {
    make: input.make,
    model: input.model,
    year: input.year,
    nickname: input.nickname,
  });
  return {
    vin,
    make: resolveMake(details.make, vin),
    model: details.model ?? null,
    year: resolveYear(details.year, vin),
    nickname: details.nickname ?? null,
  };
}

/** Only the fields present in `input` change; null puts a field back to its default. */
export function parseVehicleUpdate(input: Record<string, unknown>, vin: VinFacts, now: Date): Partial<VehicleDetails> {
  const details = parseInput(detailsSchema(now), input);
  const changes: Partial<VehicleDetails> = {};
  if (details.make !== undefined) changes.make = resolveMake(details.make, vin);
  if (details.model !== undefined) changes.model = details.model;
  if (details.year !== undefined) changes.year = resolveYear(details.year, vin);
  if (details.nickname !== undefined) changes.nickname = details.nickname;
  if (Object.keys(changes).length === 0) throw new BadUserInputError('Nothing to update', 'input');
  return changes;
}
