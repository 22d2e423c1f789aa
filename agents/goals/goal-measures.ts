import type { Logger } from '../../platform/logger.js';
import type { VehiclesStats } from '../../subgraphs/vehicles/contract.js';
import type { SeenAlertStore } from '../signals/seen-alert.store.js';
import type { GoalService } from './goal.service.js';

export interface VehiclesStatsSource {
  stats(timeoutMs?: number): Promise<VehiclesStats>;
}

/** 0 to 100: alerts acknowledged or resolved among those seen; 100 when none was raised. */
export function handledPct({ seen, open }: { seen: number; open: number }): number {
  return seen > 0 ? (100 * (seen - Math.min(open, seen))) / seen : 100;
}

/**
 * Measures the goals whose figures other services own and that no event keeps current:
 * active OBD devices (asked of vehicles through its contract's stats route) and vehicle
 * alerts handled (from health's alert events, which this subgraph keeps). Each measure stands
 * alone: one service that cannot answer leaves its goal as it was and the others move.
 */
export class GoalMeasures {
  constructor(
    private readonly deps: {
      goals: Pick<GoalService, 'setLive'>;
      vehicles: VehiclesStatsSource | null;
      alerts: Pick<SeenAlertStore, 'handling'>;
      logger: Logger;
    },
  ) {}

  async refresh(): Promise<void> {
    const { goals, vehicles, alerts, logger } = this.deps;
    await Promise.all([
      (async () => {
        if (!vehicles) return;
        const stats = await vehicles.stats(3000);
        await goals.setLive('active_devices', 'VEHICLES', stats.activeDevices);
      })().catch((err: unknown) => logger.warn({ err }, 'agents: active devices not measured')),
      (async () => {
        await goals.setLive('alerts_handled', 'HEALTH', handledPct(await alerts.handling()));
      })().catch((err: unknown) => logger.warn({ err }, 'agents: alerts handled not measured')),
    ]);
  }
}
