import type { SeededSession } from '../seeded/sessions.js';

/*
 * Every list query issue #10 names (myVehicles, vehicles, decisions, healthAlerts and
 * fleetAlerts, readings, dtcs, trips, auditLog, users), as a client sends it: first pages, a
 * filtered page where the list has filters, a next page where the cursor matters, and the
 * staff lists with totalCount (which counts every match) apart from those without.
 */

export interface ListQuery {
  name: string;
  /** Who asks. */
  as: 'customer' | 'staff';
  query: string;
  variables?: Record<string, unknown>;
  /** A next page: the variables of the first page's endCursor, taken once before measuring. */
  nextPage?: { path: string[] };
}

/** The fixed records the per-vehicle and per-customer queries read (from the first, smallest data set). */
export interface Subjects {
  customer: SeededSession;
  staff: SeededSession;
  /** A vehicle of the customer's with a telemetry history, alerts and trouble codes. */
  vehicleId: string;
  /** The history's time range. */
  from: string;
  to: string;
}

const page = (inner: string) => `edges { cursor node { ${inner} } } pageInfo { hasNextPage endCursor }`;

export function listQueries(s: Subjects): ListQuery[] {
  const vehicle = { id: s.vehicleId };
  const range = { id: s.vehicleId, from: s.from, to: s.to };
  return [
    {
      name: 'myVehicles',
      as: 'customer',
      query: 'query { myVehicles { id vin owner { email } health { score } } }',
    },
    { name: 'vehicles', as: 'staff', query: `query { vehicles(first: 20) { ${page('id vin')} } }` },
    {
      name: 'vehicles, next page',
      as: 'staff',
      query: `query ($after: String) { vehicles(first: 20, after: $after) { ${page('id vin')} } }`,
      nextPage: { path: ['vehicles'] },
    },
    {
      name: 'decisions',
      as: 'staff',
      query: `query { decisions(first: 20) { ${page('id status action createdAt')} } }`,
    },
    {
      name: 'decisions, next page',
      as: 'staff',
      query: `query ($after: String) { decisions(first: 20, after: $after) { ${page('id status')} } }`,
      nextPage: { path: ['decisions'] },
    },
    {
      name: 'decisions(status: EXECUTED)',
      as: 'staff',
      query: `query { decisions(first: 20, filter: { status: EXECUTED }) { ${page('id status')} } }`,
    },
    {
      name: 'decisions + totalCount',
      as: 'staff',
      query: `query { decisions(first: 20) { totalCount ${page('id')} } }`,
    },
    {
      name: 'vehicle.alerts',
      as: 'customer',
      query: 'query ($id: ID!) { vehicle(id: $id) { alerts { id rule status openedAt } } }',
      variables: vehicle,
    },
    {
      name: 'fleetAlerts',
      as: 'staff',
      query: `query { fleetAlerts(first: 20) { ${page('id rule severity status openedAt')} } }`,
    },
    {
      name: 'fleetAlerts(status: OPEN)',
      as: 'staff',
      query: `query { fleetAlerts(first: 20, status: OPEN) { ${page('id rule')} } }`,
    },
    {
      name: 'fleetAlerts + totalCount',
      as: 'staff',
      query: `query { fleetAlerts(first: 20) { totalCount ${page('id')} } }`,
    },
    {
      name: 'vehicle.readings (hourly)',
      as: 'customer',
      query:
        'query ($id: ID!, $from: DateTime!, $to: DateTime!) { vehicle(id: $id) { ' +
        'readings(pid: "0C", from: $from, to: $to, bucket: HOUR) { points { at avg } } } }',
      variables: range,
    },
    {
      name: 'vehicle.dtcs',
      as: 'customer',
      query: 'query ($id: ID!) { vehicle(id: $id) { dtcs { code status lastSeenAt } } }',
      variables: vehicle,
    },
    {
      name: 'vehicle.trips',
      as: 'customer',
      query:
        'query ($id: ID!, $from: DateTime!, $to: DateTime!) { vehicle(id: $id) { ' +
        'trips(from: $from, to: $to, first: 10) { edges { node { startedAt distanceKm } } } } }',
      variables: range,
    },
    { name: 'auditLog', as: 'staff', query: `query { auditLog(first: 20) { ${page('id type at')} } }` },
    {
      name: 'auditLog(type: ACCOUNT_PROVISIONED)',
      as: 'staff',
      query: `query { auditLog(first: 20, type: ACCOUNT_PROVISIONED) { ${page('id type')} } }`,
    },
    {
      name: 'auditLog(userId)',
      as: 'staff',
      query: `query ($userId: String) { auditLog(first: 20, userId: $userId) { ${page('id type')} } }`,
      variables: { userId: s.customer.userId },
    },
    { name: 'users', as: 'staff', query: `query { users(first: 20) { ${page('id email')} } }` },
    {
      name: 'users, next page',
      as: 'staff',
      query: `query ($after: String) { users(first: 20, after: $after) { ${page('id email')} } }`,
      nextPage: { path: ['users'] },
    },
  ];
}
