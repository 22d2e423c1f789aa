import type { EventBus } from '../../platform/events/bus.js';
import { HEALTH_COMMANDS, healthCommandSchema, MAX_COMMAND_VEHICLES } from '../../subgraphs/health/contract.js';
import { MAX_VEHICLE_TARGETS } from '../actions/parameters.js';
import type { VehicleRegistry } from '../signals/vehicle-registry.store.js';
import type { Effect } from './effect.js';

/**
 * Asks health to re-assess vehicles now and snapshot them: a parked car's parts keep ageing
 * while nothing arrives to refresh its score. The targets are the registered vehicles. Health
 * handles the command on its own time, once per decision and vehicle, and skips vehicles it
 * has never seen; there is nothing to revert (a fresher snapshot is simply right).
 */
export function recomputeHealthEffect(bus: EventBus, vehicles: VehicleRegistry): Effect<'recompute_vehicle_health'> {
  return {
    action: 'recompute_vehicle_health',
    targets: async () => {
      const vehicleIds = await vehicles.activeIds(Math.min(MAX_VEHICLE_TARGETS, MAX_COMMAND_VEHICLES));
      return vehicleIds.length ? { vehicleIds } : {};
    },
    async refuse({ vehicleIds }) {
      if (vehicleIds.length === 0) return 'no vehicles to recompute';
      if (vehicleIds.length > MAX_COMMAND_VEHICLES) return `at most ${MAX_COMMAND_VEHICLES} vehicles per recompute`;
      return null;
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
