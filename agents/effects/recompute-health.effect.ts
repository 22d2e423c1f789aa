import type { EventBus } from '../../platform/events/bus.js';
import { HEALTH_COMMANDS, healthCommandSchema, MAX_COMMAND_VEHICLES } from '../../subgraphs/health/contract.js';
import { MAX_VEHICLE_TARGETS } from '../actions/parameters.js';
import type { SeenAlertStore } from '../signals/seen-alert.store.js';
import type { Effect } from './effect.js';

/**
 * Asks health to re-assess the vehicles with an open critical alert, and only them: those the
 * alerts concern, not the whole fleet. Health handles the command on its own time, once per
 * decision and vehicle, and skips vehicles it has never seen; there is nothing to revert (a
 * fresher snapshot is simply right).
 */
export function recomputeHealthEffect(bus: EventBus, alerts: SeenAlertStore): Effect<'recompute_vehicle_health'> {
  return {
    action: 'recompute_vehicle_health',
    targets: async () => {
      const vehicleIds = await alerts.criticalVehicles(Math.min(MAX_VEHICLE_TARGETS, MAX_COMMAND_VEHICLES));
      return vehicleIds.length ? { vehicleIds } : {};
    },
    async refuse({ vehicleIds }) {
      if (vehicleIds.length === 0) return 'no vehicles to recompute';
      if (vehicleIds.length > MAX_COMMAND_VEHICLES) return `at most ${MAX_COMMAND_VEHICLES} vehicles per recompute`;
      const alerting = await alerts.withOpenCritical(vehicleIds);
      const others = vehicleIds.filter((id) => !alerting.has(id));
      return others.length ? `${others.length} vehicle(s) without an open critical alert` : null;
    },
    async apply({ vehicleIds }, { decisionId, now }) {
      const command = healthCommandSchema.parse({ kind: 'recompute', vehicleIds, decisionId, at: now.toISOString() });
      await bus.append(HEALTH_COMMANDS, command);
      return {
        summary: `recompute requested for ${vehicleIds.length} vehicle${vehicleIds.length === 1 ? '' : 's'}`,
        success: true,
      };
    },
  };
}
