import { z } from 'zod';
import { InternalClient, internalRoute, type InternalClientOptions } from '../../platform/http/internal-route.js';
import { indexCheckRoute } from '../../platform/ops/index-check.js';
import { severitySchema } from '../../platform/vocabulary/severity.js';

/**
 * What health offers other services: its alert events and the commands it takes. Health
 * parses each alert event with its schema before it queues it; whoever sends a command parses
 * it before appending, and health consumes the commands stream with the same schema, so a
 * command that breaks it is dead-lettered and raised as an ops alert, never skipped quietly.
 * Payloads are plain JSON: times are ISO strings.
 */

export type { Severity } from '../../platform/vocabulary/severity.js';

/** Every alert change, all vehicles: a live topic (staff subscriptions) and a durable stream (pipelines such as agents). */
export const HEALTH_ALERTS = 'health.alerts';
/** One vehicle's alert changes, live only: what an owner's `healthAlerts(vehicleId)` listens to. */
export const vehicleAlertsTopic = (vehicleId: string) => `health.alerts.vehicle.${vehicleId}`;
/** What other services ask of health (recomputes), durable only. */
export const HEALTH_COMMANDS = 'health.commands';

export const ALERT_STATUSES = ['OPEN', 'ACKNOWLEDGED', 'RESOLVED'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

const isoTime = z.iso.datetime({ offset: true });
const alertStatus = z.enum(ALERT_STATUSES);

/** An alert as one of its transitions left it. */
export const healthAlertEventSchema = z.object({
  id: z.string().min(1),
  vehicleId: z.string().min(1),
  /** The rule that opened it, such as "coolant_overheat". */
  rule: z.string(),
  /** The part it concerns, when it concerns one. */
  part: z.string().nullable(),
  severity: severitySchema,
  status: alertStatus,
  message: z.string(),
  value: z.number(),
  threshold: z.number(),
  openedAt: isoTime,
  acknowledgedAt: isoTime.nullable(),
  resolvedAt: isoTime.nullable(),
  /** Every status it went through, oldest first: its length orders the events of one alert. */
  history: z.array(z.object({ status: alertStatus, at: isoTime, by: z.string().nullable() })),
});
export type HealthAlertEvent = z.infer<typeof healthAlertEventSchema>;

/** Most vehicles one command may name (what one agents decision may aim at). */
export const MAX_COMMAND_VEHICLES = 500;

/** Ids become parts of event keys (`recompute:<decision>:<vehicle>`), so no separator gets in. */
const commandId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

const recompute = z.object({
  kind: z.literal('recompute'),
  vehicleIds: z.array(commandId).min(1).max(MAX_COMMAND_VEHICLES),
  /** Names the request: a redelivered or re-sent command changes nothing twice. */
  decisionId: commandId,
  /** Re-assess as of this time (when it was asked for, not when it is handled). */
  at: isoTime,
});

/** The contract of the `health.commands` stream. */
export const healthCommandSchema = z.discriminatedUnion('kind', [recompute]);
export type HealthCommand = z.infer<typeof healthCommandSchema>;

/**
 * Marketplace -> health (internal secret): whether an alert is one of a vehicle's, so that a
 * booking cites only an alert of the vehicle it books (`requestBooking(alertId)`). An unknown
 * alert is `false`, as another vehicle's is: the answer says nothing more about it.
 */
export const VEHICLE_ALERT_ROUTE = '/internal/health/vehicle-alert';
export const vehicleAlertRequestSchema = z.object({
  vehicleId: z.string().min(1).max(64),
  alertId: z.string().min(1).max(64),
});
export type VehicleAlertRequest = z.infer<typeof vehicleAlertRequestSchema>;
export const vehicleAlertResponseSchema = z.object({ belongs: z.boolean() });

/** Health's internal routes (behind the internal secret), typed on both sides (platform/http/internal-route.ts). */
export const healthRoutes = {
  /** The agents' index check: health's declared indexes against its database. */
  indexes: indexCheckRoute('health'),
  vehicleAlert: internalRoute({
    method: 'POST',
    path: VEHICLE_ALERT_ROUTE,
    request: vehicleAlertRequestSchema,
    response: vehicleAlertResponseSchema,
  }),
};

/** A typed client of health's internal routes; every failure is an InternalCallError. */
export function healthClient(options: InternalClientOptions) {
  const client = new InternalClient(options);
  return {
    vehicleAlert: (request: VehicleAlertRequest) => client.call(healthRoutes.vehicleAlert, request),
  };
}
