import type { GraphQLSchema } from 'graphql';
import { AGENTS_RESOLVERS, buildAgentsSchema } from '../agents/schema.js';
import type { ResolverRegistration } from '../platform/subgraph/resolvers.js';
import { buildHealthSchema, HEALTH_RESOLVERS } from './health/schema.js';
import { buildIdentitySchema, IDENTITY_RESOLVERS } from './identity/schema.js';
import { buildMarketplaceSchema, MARKETPLACE_RESOLVERS } from './marketplace/schema.js';
import { buildTelemetrySchema, TELEMETRY_RESOLVERS } from './telemetry/schema.js';
import { buildVehiclesSchema, VEHICLES_RESOLVERS } from './vehicles/schema.js';

// Each subgraph's resolvers, as its createXSubgraph builds them at start-up.
const SUBGRAPHS: [string, readonly ResolverRegistration<any>[], (deps: any) => Promise<GraphQLSchema>][] = [
  ['identity', IDENTITY_RESOLVERS, buildIdentitySchema],
  ['vehicles', VEHICLES_RESOLVERS, buildVehiclesSchema],
  ['telemetry', TELEMETRY_RESOLVERS, buildTelemetrySchema],
  ['health', HEALTH_RESOLVERS, buildHealthSchema],
  ['agents', AGENTS_RESOLVERS, buildAgentsSchema],
  ['marketplace', MARKETPLACE_RESOLVERS, buildMarketplaceSchema],
];

describe.each(SUBGRAPHS)("the %s subgraph's resolvers", (_name, registrations, build) => {
  const needs = [...new Set(registrations.flatMap((r) => r.needs))];
  // Stand-ins: constructing a resolver only keeps its dependencies.
  const every = () => Object.fromEntries(needs.map((need) => [need, { stands: need }]));

  it('are all constructed from the dependencies they name', async () => {
    expect(needs.length).toBeGreaterThan(0);
    await expect(build(every())).resolves.toBeDefined();
  });

  it.each(needs)('stop the build when "%s" is missing, naming the resolver and the dependency', async (need) => {
    const first = registrations.find((r) => r.needs.includes(need))!.resolver.name;
    const deps = every();
    delete deps[need];
    await expect(build(deps)).rejects.toThrow(`${first} needs the dependency "${need}", which was not supplied`);
  });
});
