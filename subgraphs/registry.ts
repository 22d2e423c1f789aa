import { agentsSubgraph } from '../agents/descriptor.js';
import { healthSubgraph } from './health/descriptor.js';
import { identitySubgraph } from './identity/descriptor.js';
import { marketplaceSubgraph } from './marketplace/descriptor.js';
import { paymentsSubgraph } from './payments/descriptor.js';
import { notificationsSubgraph } from './notifications/descriptor.js';
import { telemetrySubgraph } from './telemetry/descriptor.js';
import { vehiclesSubgraph } from './vehicles/descriptor.js';

/**
 * Every subgraph, one line each, in start order (one only calls those before it); also the
 * composition order. Ports, URLs, service mode and the gateway's health checks come from here.
 */
export const SUBGRAPHS = [
  identitySubgraph,
  vehiclesSubgraph,
  telemetrySubgraph,
  healthSubgraph,
  agentsSubgraph,
  marketplaceSubgraph,
  paymentsSubgraph,
  notificationsSubgraph,
] as const;

/** Every subgraph's schema, for composing the supergraph. */
export const SUBGRAPH_SCHEMAS = SUBGRAPHS.map(({ name, buildSchema }) => ({ name, build: buildSchema }));
