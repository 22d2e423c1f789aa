import { plannedOwner } from '../../../scripts/seed/fleet-plan.js';
import type { SeedScale } from '../../../scripts/seed/scales.js';
import { bearerHeaders } from '../graphql-http.js';
import type { Variant } from '../variant-load.js';
import type { SeededSession } from './sessions.js';

/* What bench:gateway --scale sends: a customer's garage, and the staff dashboards' first pages. */

export const MY_VEHICLES = 'query BenchMyVehicles { myVehicles { vin owner { email } health { score } } }';
export const ME = 'query BenchMe { me { id email } }';
/** First pages as a dashboard shows them, without totalCount (which counts every match: see bench:growth). */
export const DECISIONS_FIRST_PAGE =
  'query BenchDecisions { decisions(first: 20) { edges { cursor node { id status action reasoning createdAt ' +
  'member { name } } } pageInfo { hasNextPage endCursor } } }';
export const FLEET_ALERTS_FIRST_PAGE =
  'query BenchFleetAlerts { fleetAlerts(first: 20) { edges { cursor node { id rule severity status message ' +
  'openedAt vehicle { vin } } } pageInfo { hasNextPage endCursor } } }';

const body = (query: string) => JSON.stringify({ query });

/** `count` customers spread evenly over the scale (owners of one vehicle and of two among them). */
export function benchCustomers(scale: SeedScale, count: number) {
  const n = Math.min(count, scale.customers);
  return Array.from({ length: n }, (_, k) => plannedOwner(scale, Math.floor((k * scale.customers) / n)));
}

/** myVehicles as each customer: a correct answer names their email and every VIN they own. */
export function myVehiclesVariants(scale: SeedScale, sessions: readonly SeededSession[]): Variant[] {
  const byEmail = new Map(benchCustomers(scale, scale.customers).map((o) => [o.plan.email, o]));
  return sessions.map((session) => {
    const owner = byEmail.get(session.email);
    if (!owner) throw new Error(`${session.email} is not a customer of scale ${scale.name}`);
    return {
      headers: bearerHeaders(session.accessToken),
      body: body(MY_VEHICLES),
      mustInclude: [session.email, ...owner.vehicles.map((v) => `"${v.vin}"`)],
    };
  });
}

export const meVariants = (sessions: readonly SeededSession[]): Variant[] =>
  sessions.map((s) => ({
    headers: bearerHeaders(s.accessToken),
    body: body(ME),
    mustInclude: [`"${s.userId}"`, s.email],
  }));

/** A staff query whose correct answer is a page (edges), however the data moves. */
export const staffVariant = (staff: SeededSession, query: string): Variant => ({
  headers: bearerHeaders(staff.accessToken),
  body: body(query),
  mustInclude: ['"edges":[{', '"pageInfo"'],
});
