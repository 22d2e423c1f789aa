import type { GraphQLSchema } from 'graphql';
import { buildAgentsSchema } from '../agents/schema.js';
import { buildHealthSchema } from './health/schema.js';
import { buildIdentitySchema } from './identity/schema.js';
import { buildTelemetrySchema } from './telemetry/schema.js';
import { buildVehiclesSchema } from './vehicles/schema.js';

/** Every subgraph in the supergraph, in composition order. */
export const SUBGRAPH_SCHEMAS: { name: string; build: () => Promise<GraphQLSchema> }[] = [
  { name: 'identity', build: () => buildIdentitySchema() },
  { name: 'vehicles', build: () => buildVehiclesSchema() },
  { name: 'telemetry', build: () => buildTelemetrySchema() },
  { name: 'health', build: () => buildHealthSchema() },
  { name: 'agents', build: () => buildAgentsSchema() },
];
