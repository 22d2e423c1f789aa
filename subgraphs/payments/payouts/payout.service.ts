import type { Logger } from '../../../platform/logger.js';
import { PROVIDER_ACCOUNT, partnerAccount } from '../ledger/accounts.js';
import type { JournalEntry } from '../ledger/journal.js';
import type { LedgerReader } from '../reports/ledger-reader.js';
import { payoutId, type PayoutDocument, type PayoutStore } from './payout.store.js';
import { TransferRefused, type TransferProvider } from './transfer-provider.js';

export interface PayoutRunResult {
  startedAt: Date;
  finishedAt: Date;
  /** The payouts this run created or finished, in order. */
  payouts: PayoutDocument[];
}

export const payoutEntryId = (id: string) => `payout:${id}`;

/** Payout: the partner's liability goes down by A and so does the money held at the provider. */
export function payoutEntry(payout: PayoutDocument, postedAt: Date): JournalEntry {
  return {
    _id: payoutEntryId(payout._id),
    kind: 'PAYOUT',
    currency: payout.currency,
    lines: [
      { account: partnerAccount(payout.centreId), amountMinor: payout.amountMinor },
      { account: PROVIDER_ACCOUNT, amountMinor: -payout.amountMinor },
    ],
    centreId: payout.centreId,
    paymentId: null,
    customerId: null,
    subjectKind: null,
    subjectId: null,
    category: 'PAYOUT',
    postedAt,
    recordedAt: postedAt,
    source: 'payout-job',
    description: `Payout ${payout.seq} to the centre`,
  };
}

/**
 * Pays every centre its available balance (ledger-reader.ts: credits past PAYOUT_HOLD_DAYS less
 * every debit), per currency, through a provider transfer.
 *
 * Never twice, with any number of instances and runs at once: a centre's payouts in a currency
 * are numbered (`<centre>:<currency>:<seq>`). A run first finishes the latest payout if it is
 * still PENDING (same transfer idempotency key, so a retry returns the first transfer), and only
 * then reads the balance, which by then includes every payout that exists: a PAID payout's
 * journal entry is written before it is marked PAID. The next payout takes seq + 1 with one
 * insert; a run that loses that race finishes the winner's payout instead of making its own.
 * A transfer that fails for a network reason stays PENDING (retried by the next run with the
 * same key); one the provider refuses is FAILED, moves no money and writes no entry.
 */
export class PayoutService {
  constructor(
    private readonly deps: {
      payouts: PayoutStore;
      reader: LedgerReader;
      ledger: { record(entry: JournalEntry): Promise<boolean> };
      provider: TransferProvider;
      logger: Logger;
      now?: () => Date;
      /** Told of each payout this instance settled (PAID or FAILED; metrics). */
      onPayout?: (payout: PayoutDocument) => void;
    },
  ) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  async run(): Promise<PayoutRunResult> {
    const startedAt = this.now();
    const touched: PayoutDocument[] = [];
    for (const centreId of await this.deps.reader.centresWithEntries()) {
      const currencies = (await this.deps.reader.centreBalances(centreId)).map((b) => b.currency);
      for (const currency of currencies) {
        try {
          touched.push(...(await this.payCentre(centreId, currency)));
        } catch (err) {
          this.deps.logger.error({ err, centreId, currency }, 'payments: payout failed; retried on the next run');
        }
      }
    }
    return { startedAt, finishedAt: this.now(), payouts: touched };
  }

  /** One centre in one currency; the payouts it created or finished. */
  async payCentre(centreId: string, currency: string): Promise<PayoutDocument[]> {
    const touched: PayoutDocument[] = [];
    let latest = await this.deps.payouts.latest(centreId, currency);
    if (latest?.status === 'PENDING') {
      latest = await this.complete(latest);
      touched.push(latest);
      if (latest.status === 'PENDING') return touched;
    }
    const balance = (await this.deps.reader.centreBalances(centreId)).find((b) => b.currency === currency);
    // Only money past the payout hold: a refund inside it is then paid from the money it refunds.
    const amountMinor = balance?.availableMinor ?? 0;
    if (amountMinor <= 0) return touched;
    const seq = (latest?.seq ?? 0) + 1;
    const now = this.now();
    const draft: PayoutDocument = {
      _id: payoutId(centreId, currency, seq),
      centreId,
      currency,
      seq,
      amountMinor,
      status: 'PENDING',
      providerTransferId: null,
      failureCode: null,
      createdAt: now,
      updatedAt: now,
    };
    const mine = await this.deps.payouts.create(draft);
    const payout = mine ? draft : await this.deps.payouts.findById(draft._id);
    if (payout) touched.push(await this.complete(payout));
    return touched;
  }

  /** Transfers, records the entry, then marks the payout PAID (each step idempotent). */
  async complete(payout: PayoutDocument): Promise<PayoutDocument> {
    if (payout.status !== 'PENDING') return payout;
    let transferId: string;
    try {
      ({ id: transferId } = await this.deps.provider.transfer({
        payoutId: payout._id,
        centreId: payout.centreId,
        amountMinor: payout.amountMinor,
        currency: payout.currency,
      }));
    } catch (err) {
      if (err instanceof TransferRefused) {
        const settled = await this.deps.payouts.settle(
          payout._id,
          { status: 'FAILED', providerTransferId: null, failureCode: err.code },
          this.now(),
        );
        return this.after(payout, settled);
      }
      this.deps.logger.warn(
        { err, payoutId: payout._id },
        'payments: transfer not confirmed; the payout stays PENDING',
      );
      return payout;
    }
    const at = this.now();
    await this.deps.ledger.record(payoutEntry(payout, at));
    const settled = await this.deps.payouts.settle(
      payout._id,
      { status: 'PAID', providerTransferId: transferId, failureCode: null },
      at,
    );
    return this.after(payout, settled);
  }

  private async after(payout: PayoutDocument, settledHere: boolean): Promise<PayoutDocument> {
    const now = (await this.deps.payouts.findById(payout._id)) ?? payout;
    if (settledHere) this.deps.onPayout?.(now);
    return now;
  }
}

/** Runs the payouts every `intervalMs` (each instance may: the service above is safe to run at once). */
export function startPayoutJob(service: PayoutService, intervalMs: number, logger: Logger): { stop(): Promise<void> } {
  let running: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = service
      .run()
      .then((r) => r.payouts.length && logger.info({ payouts: r.payouts.length }, 'payments: payout run'))
      .catch((err: unknown) => logger.error({ err }, 'payments: payout run failed'))
      .finally(() => (running = null));
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
