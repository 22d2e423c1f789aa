import { registerEnumType } from 'type-graphql';
import type { Severity as SeverityName } from '../vocabulary/severity.js';

/**
 * The API's `Severity` enum, registered once for every subgraph that exposes it: composition
 * merges a shared enum only while its definitions are identical.
 */
export const Severity = {
  INFO: 'INFO',
  LOW: 'LOW',
  MEDIUM: 'MEDIUM',
  HIGH: 'HIGH',
  CRITICAL: 'CRITICAL',
} as const satisfies Record<SeverityName, SeverityName>;
registerEnumType(Severity, { name: 'Severity', description: 'How urgently a driver should act' });
