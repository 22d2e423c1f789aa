import { getAction, type ActionId, type RiskLevel } from '../actions/catalogue.js';

/**
 * Risk from what an action would do with its parameters, not from its name alone: the
 * scopes it touches, how far it moves a limit, for how long, and how many users or vehicles
 * it reaches. Each action has limits; within them the catalogue's risk holds, past any of
 * them the decision is HIGH risk and waits for an admin's approval.
 */

export interface ActionLimits {
  /** Rate-limit scopes or services changed at once. */
  maxScopes?: number;
  /** Tightening: the smallest factor (0.5 halves a limit for everyone). */
  minFactor?: number;
  /** Relaxing: the largest factor. */
  maxFactor?: number;
  maxMinutes?: number;
  maxVehicles?: number;
  /** Log levels allowed without approval. */
  levels?: readonly string[];
}

/** Per action; documented in the README ("The autonomous loop"). */
export const ACTION_LIMITS: Partial<Record<ActionId, ActionLimits>> = {
  // One client, a short while: the first answer to one abuser.
  block_client: { maxMinutes: 60 },
  // Everyone's limits: at most one scope, halved at most, for half an hour.
  tighten_rate_limits: { maxScopes: 1, minFactor: 0.5, maxMinutes: 30 },
  relax_rate_limits: { maxScopes: 1, maxFactor: 2, maxMinutes: 30 },
  raise_log_level: { maxScopes: 2, maxMinutes: 30, levels: ['debug'] },
  recompute_vehicle_health: { maxVehicles: 100 },
  notify_critical_owners: { maxVehicles: 20 },
};

export type Reach = 'nobody' | 'one_client' | 'vehicles' | 'services' | 'everyone';

export interface RiskAssessment {
  risk: RiskLevel;
  reach: Reach;
  /** One line for people: what the action would touch. */
  blastRadius: string;
  /** The limits these parameters go past; any means approval. */
  limitsExceeded: string[];
}

const RANK: Record<RiskLevel, number> = { LOW: 0, MEDIUM: 1, HIGH: 2 };
export const higherRisk = (a: RiskLevel, b: RiskLevel): RiskLevel => (RANK[a] >= RANK[b] ? a : b);

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/** Pure. `parameters` are the validated parameters of `action`. */
export function assessRisk(action: ActionId, parameters: Record<string, unknown>): RiskAssessment {
  const limits = ACTION_LIMITS[action] ?? {};
  const exceeded: string[] = [];
  const scopes = list(parameters.scopes ?? parameters.services);
  const vehicles = list(parameters.vehicleIds).length;
  const factor = num(parameters.factor);
  const minutes = num(parameters.durationMinutes);
  const level = typeof parameters.level === 'string' ? parameters.level : null;

  if (limits.maxScopes !== undefined && scopes.length > limits.maxScopes)
    exceeded.push(`${scopes.length} scopes at once (at most ${limits.maxScopes})`);
  if (limits.minFactor !== undefined && factor !== null && factor < limits.minFactor)
    exceeded.push(`factor ×${factor} (at least ×${limits.minFactor})`);
  if (limits.maxFactor !== undefined && factor !== null && factor > limits.maxFactor)
    exceeded.push(`factor ×${factor} (at most ×${limits.maxFactor})`);
  if (limits.maxMinutes !== undefined && minutes !== null && minutes > limits.maxMinutes)
    exceeded.push(`${minutes} min (at most ${limits.maxMinutes})`);
  if (limits.maxVehicles !== undefined && vehicles > limits.maxVehicles)
    exceeded.push(`${vehicles} vehicles (at most ${limits.maxVehicles})`);
  if (limits.levels && level !== null && !limits.levels.includes(level))
    exceeded.push(`level ${level} (only ${limits.levels.join(', ')})`);

  const { reach, blastRadius } = describe(action, parameters, { scopes, vehicles, factor, minutes });
  const base = getAction(action).risk;
  return { risk: exceeded.length ? 'HIGH' : base, reach, blastRadius, limitsExceeded: exceeded };
}

function describe(
  action: ActionId,
  parameters: Record<string, unknown>,
  f: { scopes: unknown[]; vehicles: number; factor: number | null; minutes: number | null },
): { reach: Reach; blastRadius: string } {
  const lasting = f.minutes !== null ? ` for ${f.minutes} min` : '';
  switch (action) {
    case 'block_client': {
      const client = parameters.client as { kind?: string; id?: string } | undefined;
      return { reach: 'one_client', blastRadius: `one ${client?.kind ?? 'client'} (${client?.id ?? '?'})${lasting}` };
    }
    case 'tighten_rate_limits':
    case 'relax_rate_limits':
      return {
        reach: 'everyone',
        blastRadius: `every caller of ${f.scopes.join(', ')}: limits ×${f.factor}${lasting}`,
      };
    case 'raise_log_level':
      return {
        reach: 'services',
        blastRadius: `${f.scopes.join(', ')} logging at ${String(parameters.level)}${lasting}`,
      };
    case 'check_database_indexes':
      return { reach: 'services', blastRadius: `read-only, ${f.scopes.length} service(s)` };
    case 'recompute_vehicle_health':
    case 'notify_critical_owners':
      return { reach: 'vehicles', blastRadius: `${f.vehicles} vehicle(s)` };
    case 'open_incident':
      return { reach: 'nobody', blastRadius: 'a record for people' };
    case 'no_op':
      return { reach: 'nobody', blastRadius: 'nothing' };
  }
}
