import { paymentsClient, type RevenueRequest, type RevenueTotals } from '../../subgraphs/payments/contract.js';
import type { RevenueSource } from './goal-measures.js';

/**
 * The revenue goal's source: payments' revenue route. The URL is read at each call, not when
 * the agents start: in one process the services start in the registry's order, payments after
 * the agents, and its address is known only once it listens.
 */
export class PaymentsRevenue implements RevenueSource {
  constructor(
    private readonly urls: Partial<Record<string, string>>,
    private readonly internalSecret: string,
  ) {}

  revenue(request: RevenueRequest, timeoutMs?: number): Promise<RevenueTotals> {
    const url = this.urls.payments;
    if (!url) return Promise.reject(new Error('payments has no URL: the revenue goal is not measured'));
    return paymentsClient({ url, internalSecret: this.internalSecret }).revenue(request, timeoutMs);
  }
}
