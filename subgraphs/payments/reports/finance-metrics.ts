import { Counter, type Registry } from 'prom-client';

/** What the finance jobs did, on payments' /metrics. */
export class FinanceMetrics {
  readonly invoices = new Counter({
    name: 'payments_invoices_issued_total',
    help: 'Invoices and credit notes numbered, by kind (INVOICE, CREDIT_NOTE) and issuer (centre, platform)',
    labelNames: ['kind', 'issuer'],
    registers: [],
  });

  readonly payouts = new Counter({
    name: 'payments_payouts_total',
    help: 'Payouts a run created or finished, by status (PAID, PENDING: retried, FAILED: refused)',
    labelNames: ['status'],
    registers: [],
  });

  register(registry: Registry): void {
    registry.registerMetric(this.invoices);
    registry.registerMetric(this.payouts);
  }
}
