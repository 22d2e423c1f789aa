import type { AlertStatus, HealthAlertEvent, Severity } from '../../subgraphs/health/contract.js';

/** A `health.alerts` event as health sends it, having gone through `statuses` (oldest first). */
export function healthAlert(
  id: string,
  vehicleId: string,
  severity: Severity,
  statuses: AlertStatus[] = ['OPEN'],
): HealthAlertEvent {
  const at = '2030-01-01T00:00:00.000Z';
  const status = statuses.at(-1)!;
  return {
    id,
    vehicleId,
    rule: 'coolant_overheat',
    part: null,
    severity,
    status,
    message: 'Coolant temperature is high',
    value: 118,
    threshold: 110,
    openedAt: at,
    acknowledgedAt: statuses.includes('ACKNOWLEDGED') ? at : null,
    resolvedAt: status === 'RESOLVED' ? at : null,
    history: statuses.map((s) => ({ status: s, at, by: null })),
  };
}
