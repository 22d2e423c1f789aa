import { z } from 'zod';

/**
 * What the agents offer other services. The commands the agents send are not here: each
 * belongs to the service that carries it out, which owns its contract (health.commands in
 * subgraphs/health/contract.ts, rate limits and log levels in platform/ops/), and the agents
 * parse a command with that schema before sending it.
 */

/**
 * Live topic on which anything that may need the team's attention wakes the loop's leader early
 * (a client error today). At-most-once: a missed wake only waits for the next tick.
 */
export const LOOP_WAKE_TOPIC = 'agents.loop.wake';
export const WAKE_REASONS = ['client_error', 'failed_login', 'critical_alert', 'ops_alert', 'manual'] as const;
export const wakeEventSchema = z.object({ reason: z.enum(WAKE_REASONS).default('manual') });
export type WakeEvent = z.infer<typeof wakeEventSchema>;

/** The autonomous loop's kill switch: OFF, DRY_RUN (decide, never act) or ON. */
export const AUTONOMOUS_MODES = ['OFF', 'DRY_RUN', 'ON'] as const;
export type AutonomousModeValue = (typeof AUTONOMOUS_MODES)[number];
