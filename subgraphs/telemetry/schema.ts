import type { GraphQLSchema } from 'graphql';
import type { PubSub } from 'type-graphql';
import { buildSubgraphSchema } from '../../platform/subgraph/build-subgraph-schema.js';
import { authChecker } from '../../platform/subgraph/context.js';
import { ClearDtcsResolver } from './dtcs/clear-dtcs.resolver.js';
import { DtcsResolver } from './dtcs/dtcs.resolver.js';
import { FuelEconomyResolver } from './fuel/fuel-economy.resolver.js';
import { IngestObdFramesResolver } from './ingest/ingest-obd-frames.resolver.js';
import { IngestReadingsResolver } from './ingest/ingest-readings.resolver.js';
import { VehicleTelemetryResolver } from './live/vehicle-telemetry.resolver.js';
import { LatestReadingsResolver } from './readings/latest-readings.resolver.js';
import { ReadingsResolver } from './readings/readings.resolver.js';
import { TripsResolver } from './trips/trips.resolver.js';
import { resolveVehicleReference, Vehicle } from './vehicles/vehicle.type.js';

/** Resolver classes, which the container maps to their instances. */
export type ResolverClass = abstract new (...args: never[]) => object;

export const TELEMETRY_RESOLVERS = [
  IngestObdFramesResolver,
  IngestReadingsResolver,
  ClearDtcsResolver,
  LatestReadingsResolver,
  ReadingsResolver,
  DtcsResolver,
  FuelEconomyResolver,
  TripsResolver,
  VehicleTelemetryResolver,
] as const;

/**
 * type-graphql wants a PubSub as soon as a schema has a subscription, even when each one brings
 * its own `subscribe` (ours read the event bus). This one is never called.
 */
const UNUSED_PUBSUB: PubSub = {
  publish() {
    throw new Error('telemetry subscriptions read the event bus');
  },
  subscribe() {
    throw new Error('telemetry subscriptions read the event bus');
  },
};

/** `instances` maps each resolver class to its constructed instance (empty to print the SDL). */
export function buildTelemetrySchema(instances: Map<ResolverClass, object> = new Map()): Promise<GraphQLSchema> {
  return buildSubgraphSchema(
    {
      resolvers: [...TELEMETRY_RESOLVERS],
      orphanedTypes: [Vehicle],
      authChecker,
      pubSub: UNUSED_PUBSUB,
      container: { get: (cls) => instances.get(cls) },
    },
    { Vehicle: { __resolveReference: resolveVehicleReference } },
  );
}
