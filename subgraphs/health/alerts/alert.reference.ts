import type { VehicleAccess } from '../../../platform/access/vehicle-access.js';
import { authorizeRead } from '../../../platform/access/vehicle-read.js';
import type { SubgraphContext } from '../../../platform/subgraph/context.js';
import type { AlertStore } from './alert.store.js';
import { alertFromDocument, type HealthAlert } from './alert.type.js';

/**
 * HealthAlert is an entity so that other subgraphs can add to it (the marketplace's suggested
 * centres); a reference resolves under the same rule as the vehicle's alerts.
 */
export const alertReferenceResolver =
  (access: VehicleAccess, alerts: AlertStore) =>
  async (reference: { id: string }, context: SubgraphContext): Promise<HealthAlert | null> => {
    const doc = await alerts.findById(String(reference.id));
    if (!doc) return null;
    await authorizeRead(access, context, doc.vehicleId, 'HEALTH');
    return alertFromDocument(doc);
  };
