import type { Collection, Filter } from 'mongodb';
import { BadUserInputError } from '../../../platform/errors.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../../platform/graphql/pagination.js';
import { PLATFORM_FEES_ACCOUNT, PROVIDER_ACCOUNT, partnerAccount } from '../ledger/accounts.js';
import type { JournalEntry } from '../ledger/journal.js';

/** A centre's money in one currency, as the partner sees it (positive: the platform owes the centre). */
export interface CentreBalance {
  currency: string;
  /** Owed now: earned less refunds less payouts (may be negative after a refund that followed a payout). */
  balanceMinor: number;
  /** Credited by payments, less what refunds took back. */
  earnedMinor: number;
  paidOutMinor: number;
  /**
   * What a payout may pay now: money credited before the payout hold began, less every debit
   * (refunds, payouts) whenever made; never below zero. A refund of money still inside the hold
   * is covered by that money itself, so it cannot drive a paid-out balance negative.
   */
  availableMinor: number;
  /** The rest of a positive balance: credits still inside the hold (balanceMinor − availableMinor). */
  pendingMinor: number;
}

export interface StatementLine {
  entryId: string;
  kind: JournalEntry['kind'];
  description: string;
  postedAt: Date;
  currency: string;
  /** The partner's side: positive when the centre is owed more, negative when it is owed less. */
  amountMinor: number;
  paymentId: string | null;
  subjectKind: string | null;
  subjectId: string | null;
}

export const REVENUE_GROUPS = ['DAY', 'CENTRE', 'CATEGORY'] as const;
export type RevenueGroupValue = (typeof REVENUE_GROUPS)[number];

export interface RevenueRow {
  key: string;
  currency: string;
  /** What customers paid (provider debits of payments). */
  grossMinor: number;
  /** What was given back to customers. */
  refundedMinor: number;
  /** The platform's own revenue: fees earned less fees reversed by refunds. */
  feeMinor: number;
  /** What centres earned (gross less refunds less fee). */
  partnerMinor: number;
  payments: number;
}

/** The longest window a revenue report covers (reports scan the window's entries). */
export const MAX_REPORT_DAYS = 400;

/**
 * Everything partners and staff read from the journal (ledger/ledger.store.ts owns the writes):
 * balances, statements and revenue. All sums are exact integers per currency; nothing converts
 * between currencies.
 */
export class LedgerReader {
  constructor(
    private readonly entries: Collection<JournalEntry>,
    /** PAYOUT_HOLD_DAYS in ms (absent: no hold, every credit is available at once). */
    private readonly hold: { payoutHoldMs?: number; now?: () => Date } = {},
  ) {}

  /**
   * Every currency the centre has moved money in, with the partner account's totals; credits
   * posted within the payout hold (since now − PAYOUT_HOLD_DAYS) are pending, not available.
   */
  async centreBalances(centreId: string, postedBefore?: Date): Promise<CentreBalance[]> {
    const holdFrom = this.hold.payoutHoldMs
      ? new Date((this.hold.now?.() ?? new Date()).getTime() - this.hold.payoutHoldMs)
      : undefined;
    const cleared = new Map<string, number>();
    const account = partnerAccount(centreId);
    const byCurrency = new Map<string, CentreBalance>();
    const filter: Filter<JournalEntry> = {
      centreId: String(centreId),
      ...(postedBefore ? { postedAt: { $lt: postedBefore } } : {}),
    };
    const projection = { currency: 1, lines: 1, kind: 1, postedAt: 1 };
    for await (const entry of this.entries.find(filter, { projection })) {
      const row = byCurrency.get(entry.currency) ?? {
        currency: entry.currency,
        balanceMinor: 0,
        earnedMinor: 0,
        paidOutMinor: 0,
        availableMinor: 0,
        pendingMinor: 0,
      };
      byCurrency.set(entry.currency, row);
      for (const line of entry.lines) {
        if (line.account !== account) continue;
        row.balanceMinor -= line.amountMinor;
        const held = line.amountMinor < 0 && holdFrom !== undefined && entry.postedAt >= holdFrom;
        if (!held) cleared.set(entry.currency, (cleared.get(entry.currency) ?? 0) - line.amountMinor);
        if (entry.kind === 'PAYOUT') row.paidOutMinor += line.amountMinor;
        else row.earnedMinor -= line.amountMinor;
      }
    }
    for (const row of byCurrency.values()) {
      row.availableMinor = Math.max(0, Math.min(row.balanceMinor, cleared.get(row.currency) ?? 0));
      row.pendingMinor = Math.max(0, row.balanceMinor - row.availableMinor);
    }
    return [...byCurrency.values()].sort((a, b) => a.currency.localeCompare(b.currency));
  }

  /** The centres that have a partner account at all (the payout run's candidates). */
  async centresWithEntries(): Promise<string[]> {
    return ((await this.entries.distinct('centreId', {})) as string[]).filter((c) => typeof c === 'string').sort();
  }

  /**
   * A centre's journal, newest first, as the partner's statement. Cursor: the last line's
   * (postedAt, entry id), so entries written meanwhile never shift a page.
   */
  async statement(
    centreId: string,
    args: { first?: number | null; after?: string | null },
  ): Promise<{ lines: StatementLine[]; hasNextPage: boolean; cursorOf: (l: StatementLine) => string }> {
    const limit = args.first ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
      throw new BadUserInputError(`first must be between 1 and ${MAX_PAGE_SIZE}`, 'first');
    }
    const base: Filter<JournalEntry> = { centreId: String(centreId) };
    let filter = base;
    if (args.after) {
      const { at, id } = decodeStatementCursor(args.after);
      filter = { ...base, $or: [{ postedAt: { $lt: at } }, { postedAt: at, _id: { $lt: id } }] };
    }
    const docs = await this.entries
      .find(filter)
      .sort({ postedAt: -1, _id: -1 })
      .limit(limit + 1)
      .toArray();
    const account = partnerAccount(centreId);
    const lines = docs.slice(0, limit).map((e): StatementLine => ({
      entryId: e._id,
      kind: e.kind,
      description: e.description,
      postedAt: e.postedAt,
      currency: e.currency,
      amountMinor: -e.lines.filter((l) => l.account === account).reduce((s, l) => s + l.amountMinor, 0),
      paymentId: e.paymentId,
      subjectKind: e.subjectKind,
      subjectId: e.subjectId,
    }));
    return { lines, hasNextPage: docs.length > limit, cursorOf: encodeStatementCursor };
  }

  countStatement(centreId: string): Promise<number> {
    return this.entries.countDocuments({ centreId: String(centreId) });
  }

  /** Revenue over [from, to), grouped by UTC day, centre or category, one row per group and currency. */
  async revenue(from: Date, to: Date, groupBy: RevenueGroupValue): Promise<RevenueRow[]> {
    checkWindow(from, to);
    const rows = new Map<string, RevenueRow>();
    const cursor = this.entries.find({ postedAt: { $gte: from, $lt: to }, kind: { $in: ['PAYMENT', 'REFUND'] } });
    for await (const entry of cursor) {
      const key =
        groupBy === 'DAY'
          ? entry.postedAt.toISOString().slice(0, 10)
          : groupBy === 'CENTRE'
            ? entry.centreId
            : entry.category;
      const id = `${key}\u0000${entry.currency}`;
      const row = rows.get(id) ?? emptyRow(key, entry.currency);
      rows.set(id, row);
      addEntry(row, entry);
    }
    return [...rows.values()].sort((a, b) => a.key.localeCompare(b.key) || a.currency.localeCompare(b.currency));
  }

  /** One total over [from, to) in one currency (the agents' revenue goal). */
  async revenueTotal(from: Date, to: Date, currency: string): Promise<RevenueRow> {
    const row = emptyRow('total', currency);
    const cursor = this.entries.find({
      postedAt: { $gte: from, $lt: to },
      kind: { $in: ['PAYMENT', 'REFUND'] },
      currency,
    });
    for await (const entry of cursor) addEntry(row, entry);
    return row;
  }
}

const emptyRow = (key: string, currency: string): RevenueRow => ({
  key,
  currency,
  grossMinor: 0,
  refundedMinor: 0,
  feeMinor: 0,
  partnerMinor: 0,
  payments: 0,
});

function addEntry(row: RevenueRow, entry: JournalEntry): void {
  for (const line of entry.lines) {
    if (line.account === PROVIDER_ACCOUNT) {
      if (line.amountMinor > 0) row.grossMinor += line.amountMinor;
      else row.refundedMinor -= line.amountMinor;
    } else if (line.account === PLATFORM_FEES_ACCOUNT) row.feeMinor -= line.amountMinor;
    else row.partnerMinor -= line.amountMinor;
  }
  if (entry.kind === 'PAYMENT') row.payments += 1;
}

function checkWindow(from: Date, to: Date): void {
  if (!(from instanceof Date) || !(to instanceof Date) || Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) {
    throw new BadUserInputError('from and to must be dates', 'from');
  }
  if (to.getTime() <= from.getTime()) throw new BadUserInputError('to must be after from', 'to');
  if (to.getTime() - from.getTime() > MAX_REPORT_DAYS * 86_400_000) {
    throw new BadUserInputError(`a report covers at most ${MAX_REPORT_DAYS} days`, 'to');
  }
}

const encodeStatementCursor = (line: StatementLine) =>
  Buffer.from(JSON.stringify([line.postedAt.getTime(), line.entryId])).toString('base64url');

function decodeStatementCursor(cursor: string): { at: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof at === 'number' && Number.isFinite(at) && typeof id === 'string' && id.length <= 200)
      return { at: new Date(at), id };
  } catch {
    // falls through to the refusal
  }
  throw new BadUserInputError('after is not a valid cursor', 'after');
}
