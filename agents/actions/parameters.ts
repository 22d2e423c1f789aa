import { z } from 'zod';
import { CLIENT_KEY_KINDS, isClientIpKey } from '../../platform/ops/rate-limit-overrides.js';

/**
 * Parameter schemas for the catalogue. Every object is strict (unknown keys refused) and
 * every field required, which is also what OpenAI's strict structured output demands.
 * Targets are always an explicit, bounded, non-empty list: an action can never be aimed
 * at "everything" by leaving a field out.
 */

export const SERVICES = ['gateway', 'identity', 'vehicles', 'telemetry', 'health', 'marketplace', 'agents'] as const;
export const RATE_LIMIT_SCOPES = ['api', 'login', 'client_errors', 'ingest'] as const;
export const MAX_VEHICLE_TARGETS = 500;

const id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'an id of 1-64 letters, digits, _ or -');

function boundedSet<T extends z.ZodType>(item: T, max: number) {
  return z
    .array(item)
    .min(1, 'an empty target set is refused')
    .max(max, `at most ${max} targets`)
    .refine((list) => new Set(list).size === list.length, 'targets must be unique');
}

export const vehicleIds = boundedSet(id, MAX_VEHICLE_TARGETS);
export const services = boundedSet(z.enum(SERVICES), SERVICES.length);
const minutes = (max: number) => z.number().int().min(1).max(max);

/**
 * One client as the gateway's rate limits key it: an IP (an IPv6 address by its /64, as
 * the gateway counts it), or a signed-in user, API key or device by id. Never a whole range.
 */
export const clientKey = z
  .strictObject({
    kind: z.enum(CLIENT_KEY_KINDS),
    id: z.string().min(1).max(64),
  })
  .superRefine((key, ctx) => {
    const valid = key.kind === 'ip' ? isClientIpKey(key.id) : /^[A-Za-z0-9_-]{1,64}$/.test(key.id);
    if (!valid) ctx.addIssue({ code: 'custom', path: ['id'], message: `not a ${key.kind} the gateway counts by` });
  });

export const parameterSchemas = {
  tighten_rate_limits: z.strictObject({
    scopes: boundedSet(z.enum(RATE_LIMIT_SCOPES), RATE_LIMIT_SCOPES.length),
    /** The limit is multiplied by this; never below a tenth, so traffic is never cut off. */
    factor: z.number().min(0.1).max(0.9),
    durationMinutes: minutes(240),
  }),
  relax_rate_limits: z.strictObject({
    scopes: boundedSet(z.enum(RATE_LIMIT_SCOPES), RATE_LIMIT_SCOPES.length),
    factor: z.number().min(1.1).max(4),
    durationMinutes: minutes(240),
  }),
  raise_log_level: z.strictObject({
    services,
    level: z.enum(['debug', 'trace']),
    durationMinutes: minutes(120),
  }),
  block_client: z.strictObject({
    /** One client, named as the gateway counts it (see CLIENT_KEY_KINDS). */
    client: clientKey,
    durationMinutes: minutes(240),
  }),
  recompute_vehicle_health: z.strictObject({ vehicleIds }),
  notify_critical_owners: z.strictObject({
    vehicleIds,
    message: z.string().trim().min(1).max(500),
  }),
  open_incident: z.strictObject({
    title: z.string().trim().min(3).max(200),
    severity: z.enum(['LOW', 'MEDIUM', 'HIGH', 'CRITICAL']),
    summary: z.string().trim().min(1).max(2000),
  }),
  check_database_indexes: z.strictObject({ services }),
  no_op: z.strictObject({}),
} as const;
