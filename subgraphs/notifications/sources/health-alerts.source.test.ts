import type { HealthAlertEvent } from '../../health/contract.js';
import { alertKind } from './health-alerts.source.js';

const at = '2026-03-10T10:00:00.000Z';
const event = (status: HealthAlertEvent['status'], steps: HealthAlertEvent['status'][]): HealthAlertEvent => ({
  id: 'a1',
  vehicleId: 'v1',
  rule: 'coolant-overheat',
  part: null,
  severity: 'CRITICAL',
  status,
  message: 'hot',
  value: 120,
  threshold: 110,
  openedAt: at,
  acknowledgedAt: null,
  resolvedAt: null,
  history: steps.map((s) => ({ status: s, at, by: null })),
});

describe('alertKind', () => {
  it('tells an opening, a return (escalation) and a resolution apart, and ignores the owner’s own acknowledgement', () => {
    expect(alertKind(event('OPEN', ['OPEN']))).toBe('ALERT_OPENED');
    expect(alertKind(event('OPEN', ['OPEN', 'ACKNOWLEDGED', 'OPEN']))).toBe('ALERT_ESCALATED');
    expect(alertKind(event('RESOLVED', ['OPEN', 'RESOLVED']))).toBe('ALERT_RESOLVED');
    expect(alertKind(event('ACKNOWLEDGED', ['OPEN', 'ACKNOWLEDGED']))).toBeNull();
  });
});
