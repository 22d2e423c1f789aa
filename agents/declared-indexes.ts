import type { IndexDeclaration } from '../platform/mongo/indexes.js';
import { CLIENT_ERROR_INDEXES, ClientErrorStore } from './client-errors/client-error.store.js';
import { RATE_HIT_INDEXES, WindowRateLimiter } from './client-errors/rate-limiter.js';
import { DECISION_INDEXES, DecisionStore } from './decisions/decision.store.js';
import { RECENT_ACTION_INDEXES, RecentActions } from './decisions/recent-actions.store.js';
import { ACTIVE_EFFECT_INDEXES, ActiveEffectStore } from './effects/active-effect.store.js';
import { INCIDENT_INDEXES, IncidentStore } from './effects/incident.store.js';
import { FIRING_INDEXES, FiringStore } from './firings/firing.store.js';
import { GOAL_CHANGE_INDEXES, GoalChangeStore } from './goals/goal-change.store.js';
import { LEASE_INDEXES, LeaseStore } from './loop/lease.store.js';
import { OUTCOME_QUEUE_INDEXES, OutcomeQueue } from './loop/outcome-queue.store.js';
import { ALERT_INDEXES, SeenAlertStore } from './signals/seen-alert.store.js';
import { BOOKING_SEEN_INDEXES, BookingSeenStore } from './signals/booking-seen.store.js';
import { OPS_ALERT_INDEXES, OpsAlertStore } from './signals/ops-alert.store.js';
import { KNOWN_VEHICLE_INDEXES, VehicleRegistry } from './signals/vehicle-registry.store.js';

/** Every index the agents' stores declare, by collection: what check_database_indexes verifies. */
export const AGENTS_INDEXES: Readonly<Record<string, IndexDeclaration[]>> = {
  [DecisionStore.collection]: DECISION_INDEXES,
  [RecentActions.collection]: RECENT_ACTION_INDEXES,
  [FiringStore.collection]: FIRING_INDEXES,
  [ActiveEffectStore.collection]: ACTIVE_EFFECT_INDEXES,
  [ClientErrorStore.collection]: CLIENT_ERROR_INDEXES,
  [WindowRateLimiter.collection]: RATE_HIT_INDEXES,
  [GoalChangeStore.collection]: GOAL_CHANGE_INDEXES,
  [IncidentStore.collection]: INCIDENT_INDEXES,
  [VehicleRegistry.collection]: KNOWN_VEHICLE_INDEXES,
  [LeaseStore.collection]: LEASE_INDEXES,
  [OutcomeQueue.collection]: OUTCOME_QUEUE_INDEXES,
  [SeenAlertStore.collection]: ALERT_INDEXES,
  [BookingSeenStore.collection]: BOOKING_SEEN_INDEXES,
  [OpsAlertStore.collection]: OPS_ALERT_INDEXES,
};
