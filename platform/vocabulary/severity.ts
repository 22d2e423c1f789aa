import { z } from 'zod';

/**
 * How urgently a driver should act, from INFO to CRITICAL (stop driving). One vocabulary for
 * every service: telemetry rates trouble codes with it, health rates alerts and parts, and the
 * public API has one `Severity` enum (platform/graphql/severity.type.ts), never one per subgraph.
 */
export const SEVERITIES = ['INFO', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const severitySchema = z.enum(SEVERITIES);
