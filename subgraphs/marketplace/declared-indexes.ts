import type { IndexDeclaration } from '../../platform/mongo/indexes.js';
import { AUDIT_INDEXES, CentreAuditStore } from './audit/centre-audit.store.js';
import { BOOKING_INDEXES, BookingStore } from './bookings/booking.store.js';
import { REQUEST_KEY_INDEXES, RequestKeyStore } from './bookings/request-key.store.js';
import { SLOT_CLAIM_INDEXES, SlotClaimStore } from './bookings/slot-claim.store.js';
import { CENTRE_LOCATION_INDEXES, CentreLocationStore } from './centres/centre-location.store.js';
import { CENTRE_INDEXES, CentreStore } from './centres/centre.store.js';
import { APPLICATION_INDEXES, ApplicationStore } from './partners/application.store.js';
import { REVIEW_INDEXES, ReviewStore } from './reviews/review.store.js';
import { ROADSIDE_INDEXES, RoadsideStore } from './roadside/roadside.store.js';

/** Every index the marketplace stores declare, by collection (bookings and reviews add theirs). */
export const MARKETPLACE_INDEXES: Readonly<Record<string, IndexDeclaration[]>> = {
  [CentreStore.collection]: CENTRE_INDEXES,
  [CentreLocationStore.collection]: CENTRE_LOCATION_INDEXES,
  [ApplicationStore.collection]: APPLICATION_INDEXES,
  [ApplicationStore.openClaimsCollection]: [],
  [CentreAuditStore.collection]: AUDIT_INDEXES,
  [BookingStore.collection]: BOOKING_INDEXES,
  [SlotClaimStore.collection]: SLOT_CLAIM_INDEXES,
  [RequestKeyStore.collection]: REQUEST_KEY_INDEXES,
  [ReviewStore.collection]: REVIEW_INDEXES,
  [RoadsideStore.collection]: ROADSIDE_INDEXES,
};
