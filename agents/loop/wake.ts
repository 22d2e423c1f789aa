/** Live topic on which anything that may need the team's attention wakes the leader early. */
export const LOOP_WAKE_TOPIC = 'agents.loop.wake';

export interface WakeEvent {
  reason: 'client_error' | 'failed_login' | 'critical_alert' | 'ops_alert' | 'manual';
}
