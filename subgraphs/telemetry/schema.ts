import type { GraphQLSchema } from 'graphql';
import type { PartnerAccess } from '../../platform/access/partner-access.js';
import type { PubSub } from 'type-graphql';
import { buildSubgraphSchema } from '../../platform/subgraph/build-subgraph-schema.js';
import type { VehicleAccess } from '../../platform/access/vehicle-access.js';
import { authChecker } from '../../platform/subgraph/context.js';
import { resolverOptions, resolverRegistry } from '../../platform/subgraph/resolvers.js';
import { ClearDtcsResolver } from './dtcs/clear-dtcs.resolver.js';
import type { DtcService } from './dtcs/dtc.service.js';
import { DtcsResolver } from './dtcs/dtcs.resolver.js';
import type { FuelEconomyService } from './fuel/fuel-economy.service.js';
import { FuelEconomyResolver } from './fuel/fuel-economy.resolver.js';
import { IngestObdFramesResolver } from './ingest/ingest-obd-frames.resolver.js';
import { IngestReadingsResolver } from './ingest/ingest-readings.resolver.js';
import type { IngestService } from './ingest/ingest.service.js';
import { VehicleTelemetryResolver } from './live/vehicle-telemetry.resolver.js';
import { LatestReadingsResolver } from './readings/latest-readings.resolver.js';
import type { ReadingHistoryService } from './readings/reading-history.service.js';
import { ReadingsResolver } from './readings/readings.resolver.js';
import { TripsResolver } from './trips/trips.resolver.js';
import type { TripsService } from './trips/trips.service.js';
import { resolveVehicleReference, Vehicle } from './vehicles/vehicle.type.js';

/** What telemetry's resolvers are constructed from, by name. */
export interface TelemetryResolverDeps {
  access: VehicleAccess;
  /** Centre members read the trouble codes of vehicles booked at their centres. */
  partners: PartnerAccess;
  ingest: IngestService;
  dtcs: DtcService;
  history: ReadingHistoryService;
  fuelEconomy: FuelEconomyService;
  trips: TripsService;
}

const resolver = resolverRegistry<TelemetryResolverDeps>();

/** Every resolver, with the dependencies its constructor takes: the schema's list and its instances. */
export const TELEMETRY_RESOLVERS = [
  resolver(IngestObdFramesResolver, 'ingest'),
  resolver(IngestReadingsResolver, 'ingest'),
  resolver(ClearDtcsResolver, 'access', 'dtcs'),
  resolver(LatestReadingsResolver, 'access', 'history', 'partners'),
  resolver(ReadingsResolver, 'access', 'history'),
  resolver(DtcsResolver, 'access', 'dtcs', 'partners'),
  resolver(FuelEconomyResolver, 'access', 'fuelEconomy'),
  resolver(TripsResolver, 'access', 'trips'),
  resolver(VehicleTelemetryResolver),
];

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

/** Constructs every resolver from `deps` (a missing one stops here); without them, the schema to print. */
export async function buildTelemetrySchema(deps?: TelemetryResolverDeps): Promise<GraphQLSchema> {
  return buildSubgraphSchema(
    {
      ...resolverOptions(TELEMETRY_RESOLVERS, deps),
      orphanedTypes: [Vehicle],
      authChecker,
      pubSub: UNUSED_PUBSUB,
    },
    { Vehicle: { __resolveReference: resolveVehicleReference } },
  );
}
