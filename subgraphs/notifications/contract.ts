import { z } from 'zod';
import { InternalClient, internalRoute, type InternalClientOptions } from '../../platform/http/internal-route.js';
import { indexCheckRoute } from '../../platform/ops/index-check.js';

/**
 * What the notifications subgraph offers other services. It publishes no durable streams; it
 * consumes health's, the marketplace's and payments' (sources/) and serves the route below.
 */

/** One user's inbox changes, live only: what their `notifications` subscription listens to. */
export const USER_NOTIFICATIONS = 'notifications.user';
export const userNotificationsTopic = (userId: string) => `${USER_NOTIFICATIONS}.${userId}`;

/**
 * Agents -> notifications (internal secret): tell the owners of these vehicles `message`, now
 * (notify_critical_owners). Idempotent per decision and vehicle: a retried call creates nothing
 * twice and answers the same entries. The answer says who was notified with which inbox entry,
 * and which vehicles have no owner to notify.
 */
export const NOTIFY_OWNERS_ROUTE = '/internal/notifications/owners';
export const MAX_NOTIFY_VEHICLES = 500;
export const notifyOwnersRequestSchema = z.object({
  decisionId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  vehicleIds: z.array(z.string().min(1).max(64)).min(1).max(MAX_NOTIFY_VEHICLES),
  message: z.string().trim().min(1).max(500),
});
export type NotifyOwnersRequest = z.infer<typeof notifyOwnersRequestSchema>;
export const notifyOwnersResponseSchema = z.object({
  notified: z.array(
    z.object({
      vehicleId: z.string(),
      userId: z.string(),
      notificationId: z.string(),
      /** Channels a delivery was queued on (IN_APP, PUSH, EMAIL, SMS). */
      channels: z.array(z.string()),
    }),
  ),
  /** Vehicles nobody owns any more (removed) or that do not exist. */
  withoutOwner: z.array(z.string()),
});
export type NotifyOwnersResponse = z.infer<typeof notifyOwnersResponseSchema>;

/**
 * Data subgraphs -> notifications (internal secret): the scopes (TELEMETRY, HEALTH, LOCATION) in
 * which the vehicle's owner lets this organisation's API keys read it; empty without a live
 * grant. Read uncached, so a revocation holds from the next call on.
 */
export const VEHICLE_GRANTS_ROUTE = '/internal/notifications/vehicle-grants';
const grantIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
export const vehicleGrantsRequestSchema = z.object({ organizationId: grantIdSchema, vehicleId: grantIdSchema });
export type VehicleGrantsRequest = z.infer<typeof vehicleGrantsRequestSchema>;
export const vehicleGrantsResponseSchema = z.object({ scopes: z.array(z.enum(['TELEMETRY', 'HEALTH', 'LOCATION'])) });
export type VehicleGrantsResponse = z.infer<typeof vehicleGrantsResponseSchema>;

export const notificationsRoutes = {
  vehicleGrants: internalRoute({
    method: 'POST',
    path: VEHICLE_GRANTS_ROUTE,
    request: vehicleGrantsRequestSchema,
    response: vehicleGrantsResponseSchema,
  }),
  notifyOwners: internalRoute({
    method: 'POST',
    path: NOTIFY_OWNERS_ROUTE,
    request: notifyOwnersRequestSchema,
    response: notifyOwnersResponseSchema,
  }),
  indexes: indexCheckRoute('notifications'),
};

/** A typed client of the notifications subgraph's internal routes; every failure is an InternalCallError. */
export function notificationsClient(options: InternalClientOptions) {
  const client = new InternalClient(options);
  return {
    notifyOwners: (request: NotifyOwnersRequest) => client.call(notificationsRoutes.notifyOwners, request),
    vehicleGrants: (request: VehicleGrantsRequest) => client.call(notificationsRoutes.vehicleGrants, request),
  };
}
