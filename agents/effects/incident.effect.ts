import type { Effect } from './effect.js';
import type { IncidentStore } from './incident.store.js';

export function incidentEffect(incidents: IncidentStore): Effect<'open_incident'> {
  return {
    action: 'open_incident',
    targets: async () => ({}),
    refuse: async () => null,
    async apply({ title, severity, summary }, { decisionId, now }) {
      const incident = await incidents.open({ title, severity, summary, decisionId, openedAt: now });
      return { summary: `incident ${incident._id.toHexString()} opened (${severity}): ${title}`, success: true };
    },
  };
}
