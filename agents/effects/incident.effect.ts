import { goalSeverity } from '../goals/goal-escalation.js';
import type { Effect } from './effect.js';
import { higherSeverity, type IncidentStore } from './incident.store.js';

/**
 * Opens an incident, or adds to the one already open for the same trigger and subject (one
 * incident per condition, however often it fires). An off-track goal's incident is at least as
 * severe as its gap calls for, whatever severity the parameters ask.
 */
export function incidentEffect(incidents: IncidentStore): Effect<'open_incident'> {
  return {
    action: 'open_incident',
    targets: async () => ({}),
    refuse: async () => null,
    async apply({ title, severity, summary }, { decisionId, now, trigger }) {
      const floor = trigger?.kind === 'goal_off_track' ? goalSeverity(trigger.value) : 'LOW';
      const { incident, created } = await incidents.open({
        triggerKind: trigger?.kind ?? null,
        subject: trigger?.subject ?? null,
        title,
        severity: higherSeverity(severity, floor),
        summary,
        decisionId,
        at: now,
      });
      const id = incident._id.toHexString();
      return {
        summary: created
          ? `incident ${id} opened (${incident.severity}): ${title}`
          : `incident ${id} still open, seen ${incident.occurrences} times (${incident.severity}): ${title}`,
        success: true,
      };
    },
  };
}
