import type { GraphQLSchema } from 'graphql';
import type { VehicleAccess } from '../../platform/access/vehicle-access.js';
import { buildSubgraphSchema } from '../../platform/subgraph/build-subgraph-schema.js';
import { authChecker } from '../../platform/subgraph/context.js';
import { resolverOptions, resolverRegistry } from '../../platform/subgraph/resolvers.js';
import { AvailabilityResolver } from './availability/availability.resolver.js';
import type { AvailabilityService } from './availability/availability.service.js';
import { AlertSuggestionsResolver, HealthAlert, resolveAlertReference } from './bookings/alert-suggestions.resolver.js';
import { BookingMutationResolver } from './bookings/booking-mutation.resolver.js';
import { BookingQueryResolver } from './bookings/booking-query.resolver.js';
import { resolveVehicleReference } from './bookings/booking.type.js';
import type { BookingService } from './bookings/booking.service.js';
import type { BookingStore } from './bookings/booking.store.js';
import { BookingUpdatesResolver, resolveBookingReference } from './bookings/booking-updates.resolver.js';
import {
  CentreBookingsResolver,
  UserBookingsResolver,
  VehicleBookingsResolver,
} from './bookings/entity-bookings.resolver.js';
import { CentreDetailsResolver, CentreFieldsResolver } from './centres/centre-fields.resolver.js';
import { CentreMutationResolver } from './centres/centre-mutation.resolver.js';
import { CentreQueryResolver } from './centres/centre-query.resolver.js';
import { resolveCentreReference } from './centres/centre.reference.js';
import type { CentreService } from './centres/centre.service.js';
import { resolveUserReference } from './centres/user.type.js';
import { PartnerResolver } from './partners/partner.resolver.js';
import type { PartnerService } from './partners/partner.service.js';
import { BookingReviewResolver, CentreReviewsResolver, ReviewMutationResolver } from './reviews/review.resolver.js';
import type { ReviewService } from './reviews/review.service.js';
import type { ReviewStore } from './reviews/review.store.js';
import { RoadsideOfferResolver, RoadsideResolver, RoadsideResponderResolver } from './roadside/roadside.resolver.js';
import type { RoadsideService } from './roadside/roadside.service.js';
import type { RoadsideStore } from './roadside/roadside.store.js';
import type { NearbyService } from './search/nearby.service.js';
import type { CentreSource } from './inventory/centre-membership.js';
import type { InventoryService } from './inventory/inventory.service.js';
import type { StockStore } from './inventory/stock.store.js';
import { OrderResolver } from './orders/order.resolver.js';
import type { OrderService } from './orders/order.service.js';
import { PartResolver } from './parts/part.resolver.js';
import type { PartService } from './parts/part.service.js';
import type { PartStore } from './parts/part.store.js';
import type { BookingPayable } from './payables/booking-payable.js';
import { BookingPaymentResolver, CentrePaymentPolicyResolver } from './payables/payment-policy.resolver.js';
import type { PaymentPolicyStore } from './payables/payment-policy.store.js';

/** What the marketplace's resolvers are constructed from, by name. */
export interface MarketplaceResolverDeps {
  nearby: NearbyService;
  centres: CentreService;
  availability: AvailabilityService;
  partners: PartnerService;
  bookingService: BookingService;
  bookings: BookingStore;
  reviewService: ReviewService;
  reviews: ReviewStore;
  access: VehicleAccess;
  /** Parts, stock, orders and booking payment policies (orders/commerce-module.ts). */
  partService: PartService;
  partStore: PartStore;
  inventory: InventoryService;
  stockStore: StockStore;
  orderService: OrderService;
  paymentPolicies: PaymentPolicyStore;
  bookingPayable: BookingPayable;
  centreSource: CentreSource;
  roadside: RoadsideService;
  roadsideStore: RoadsideStore;
}

const resolver = resolverRegistry<MarketplaceResolverDeps>();

/** Every resolver, with the dependencies its constructor takes: the schema's list and its instances. */
export const MARKETPLACE_RESOLVERS = [
  resolver(CentreQueryResolver, 'nearby', 'centres'),
  resolver(CentreFieldsResolver),
  resolver(CentreDetailsResolver),
  resolver(CentreMutationResolver, 'centres'),
  resolver(AvailabilityResolver, 'availability'),
  resolver(PartnerResolver, 'partners'),
  resolver(BookingMutationResolver, 'bookingService'),
  resolver(BookingQueryResolver, 'bookingService', 'bookings'),
  resolver(BookingUpdatesResolver),
  resolver(VehicleBookingsResolver, 'access', 'bookings'),
  resolver(UserBookingsResolver, 'bookings'),
  resolver(CentreBookingsResolver, 'bookings'),
  resolver(ReviewMutationResolver, 'reviewService'),
  resolver(CentreReviewsResolver, 'reviews'),
  resolver(BookingReviewResolver, 'reviews', 'bookingService'),
  resolver(AlertSuggestionsResolver, 'nearby'),
  resolver(PartResolver, 'partService', 'partStore', 'inventory', 'stockStore'),
  resolver(OrderResolver, 'orderService'),
  resolver(CentrePaymentPolicyResolver, 'paymentPolicies', 'centreSource'),
  resolver(BookingPaymentResolver, 'bookingService', 'bookingPayable'),
  resolver(RoadsideResolver, 'roadside', 'roadsideStore'),
  resolver(RoadsideResponderResolver),
  resolver(RoadsideOfferResolver),
];

/** Constructs every resolver from `deps` (a missing one stops here); without them, the schema to print. */
export async function buildMarketplaceSchema(deps?: MarketplaceResolverDeps): Promise<GraphQLSchema> {
  return buildSubgraphSchema(
    {
      ...resolverOptions(MARKETPLACE_RESOLVERS, deps),
      // Nothing here returns an alert: its fields are reached from health's.
      orphanedTypes: [HealthAlert],
      authChecker,
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
