import { registerEnumType } from 'type-graphql';
import type { Severity as SeverityName } from '../../telemetry/obd/dtc-descriptions.js';

/** The same enum telemetry's DTCs use (composition merges the two; they must stay identical). */
export const Severity = {
  INFO: 'INFO',
  LOW: 'LOW',
  MEDIUM: 'MEDIUM',
  HIGH: 'HIGH',
  CRITICAL: 'CRITICAL',
} as const satisfies Record<SeverityName, SeverityName>;
registerEnumType(Severity, { name: 'Severity', description: 'How urgently a driver should act' });
