import type { Logger } from '../../platform/logger.js';
import type { RevenueTotals } from '../../subgraphs/payments/contract.js';
import type { VehiclesStats } from '../../subgraphs/vehicles/contract.js';
import type { SeenAlertStore } from '../signals/seen-alert.store.js';
import type { GoalService } from './goal.service.js';

export interface VehiclesStatsSource {
  stats(timeoutMs?: number): Promise<VehiclesStats>;
}

/** Payments' ledger (its contract's revenue route). */
export interface RevenueSource {
  revenue(request: { from: Date; to: Date; currency: string }, timeoutMs?: number): Promise<RevenueTotals>;
}

const YEAR_MS = 365 * 24 * 3_600_000;
/** The revenue goal's currency (its unit is USD/year); the ledger never converts currencies. */
export const REVENUE_CURRENCY = 'USD';

/** The platform's revenue over the last 365 days in major units: fees earned less fees refunded. */
export const yearlyRevenue = (totals: RevenueTotals): number => totals.feeMinor / 100;

/** 0 to 100: alerts acknowledged or resolved among those seen; 100 when none was raised. */
export function handledPct({ seen, open }: { seen: number; open: number }): number {
  return seen > 0 ? (100 * (seen - Math.min(open, seen))) / seen : 100;
}

/**
 * Measures the goals whose figures other services own and that no event keeps current:
 * active OBD devices (asked of vehicles through its contract's stats route), vehicle alerts
 * handled (from health's alert events, which this subgraph keeps) and revenue (asked of
 * payments' ledger through its contract's revenue route). Each measure stands
 * alone: one service that cannot answer leaves its goal as it was and the others move.
 */
export class GoalMeasures {
  constructor(
    private readonly deps: {
      goals: Pick<GoalService, 'setLive'>;
      vehicles: VehiclesStatsSource | null;
      alerts: Pick<SeenAlertStore, 'handling'>;
      /** Payments' ledger for the revenue goal; null when payments is not deployed. */
      payments?: RevenueSource | null;
      now?: () => number;
      logger: Logger;
    },
  ) {}

  async refresh(): Promise<void> {
    const { goals, vehicles, alerts, payments, logger } = this.deps;
    const now = this.deps.now?.() ?? Date.now();
    await Promise.all([
      (async () => {
        if (!payments) return;
        const totals = await payments.revenue(
          { from: new Date(now - YEAR_MS), to: new Date(now), currency: REVENUE_CURRENCY },
          3000,
        );
        await goals.setLive('revenue', 'PAYMENTS', yearlyRevenue(totals));
      })().catch((err: unknown) => logger.warn({ err }, 'agents: revenue not measured')),
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
