import type { Router } from 'express';
import { serveInternalRoute } from '../../../platform/http/internal-route.js';
import { paymentsRoutes } from '../contract.js';
import type { LedgerReader } from './ledger-reader.js';

/** Agents -> payments: revenue over a window in one currency, for the revenue goal (contract.ts). */
export function mountRevenueRoute(router: Router, reader: LedgerReader): void {
  serveInternalRoute(router, paymentsRoutes.revenue, async ({ from, to, currency }) => {
    const row = await reader.revenueTotal(from, to, currency);
    return {
      currency,
      grossMinor: row.grossMinor,
      refundedMinor: row.refundedMinor,
      feeMinor: row.feeMinor,
      partnerMinor: row.partnerMinor,
      payments: row.payments,
    };
  });
}
