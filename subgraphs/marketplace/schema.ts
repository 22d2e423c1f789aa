import type { GraphQLSchema } from 'graphql';
import { buildSubgraphSchema, type ResolverInstances } from '../../platform/subgraph/build-subgraph-schema.js';
import { authChecker } from '../../platform/subgraph/context.js';
import { AvailabilityResolver } from './availability/availability.resolver.js';
import { HealthAlert, resolveAlertReference } from './bookings/alert-suggestions.resolver.js';
import { resolveVehicleReference } from './bookings/booking.type.js';
import { resolveBookingReference } from './bookings/booking-updates.resolver.js';
import { BOOKING_RESOLVERS } from './bookings/bookings-module.js';
import { CentreFieldsResolver } from './centres/centre-fields.resolver.js';
import { CentreMutationResolver } from './centres/centre-mutation.resolver.js';
import { CentreQueryResolver } from './centres/centre-query.resolver.js';
import { resolveCentreReference } from './centres/centre.reference.js';
import { resolveUserReference } from './centres/user.type.js';
import { PartnerResolver } from './partners/partner.resolver.js';

/** Bookings and reviews add their resolver classes here (and their instances in index.ts). */
export const MARKETPLACE_RESOLVERS = [
  CentreQueryResolver,
  CentreFieldsResolver,
  CentreMutationResolver,
  AvailabilityResolver,
  PartnerResolver,
  ...BOOKING_RESOLVERS,
] as const;

/** `instances` maps each resolver class to its constructed instance (empty to print the SDL). */
export function buildMarketplaceSchema(instances: ResolverInstances = new Map()): Promise<GraphQLSchema> {
  return buildSubgraphSchema(
    {
      resolvers: [...MARKETPLACE_RESOLVERS],
      // Nothing here returns an alert: its fields are reached from health's.
      orphanedTypes: [HealthAlert],
      authChecker,
      // Printing the SDL (no instances) lets type-graphql construct nothing it is asked for.
      container: instances.size > 0 ? { get: (cls) => instances.get(cls) } : undefined,
    },
    {
      ServiceCentre: { __resolveReference: resolveCentreReference },
      User: { __resolveReference: resolveUserReference },
      Vehicle: { __resolveReference: resolveVehicleReference },
      HealthAlert: { __resolveReference: resolveAlertReference },
      Booking: { __resolveReference: resolveBookingReference },
    },
  );
}
