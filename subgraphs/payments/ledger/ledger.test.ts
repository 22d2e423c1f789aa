import { basisPoints, feeReversal, mulDivHalfUp, platformFee } from './accounts.js';
import { balanced, paymentEntry, refundEntry, type PaymentFacts } from './journal.js';

const facts = (amountMinor: number, feeMinor: number): PaymentFacts => ({
  paymentId: 'a'.repeat(24),
  centreId: 'c'.repeat(24),
  customerId: 'u1',
  subjectKind: 'ORDER',
  subjectId: 'o1',
  amountMinor,
  feeMinor,
  currency: 'EUR',
});
const meta = { postedAt: new Date(0), recordedAt: new Date(0), source: 'test' };
const sum = (lines: { amountMinor: number }[]) => lines.reduce((s, l) => s + l.amountMinor, 0);

describe('ledger rounding rules (accounts.ts)', () => {
  it('rounds the platform fee half up on basis points, exactly in integers', () => {
    expect(platformFee(1000, basisPoints(10))).toBe(100);
    expect(platformFee(5, basisPoints(10))).toBe(1); // 0.5 rounds up
    expect(platformFee(4, basisPoints(10))).toBe(0); // 0.4 rounds down
    expect(platformFee(1999, basisPoints(12.5))).toBe(250); // 249.875
    expect(platformFee(1, basisPoints(0))).toBe(0);
    expect(platformFee(99_999_999, basisPoints(100))).toBe(99_999_999);
    expect(mulDivHalfUp(Number.MAX_SAFE_INTEGER, 3, 3)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('refuses a fee rate outside 0..100 or with more than two decimals', () => {
    expect(() => basisPoints(-1)).toThrow(RangeError);
    expect(() => basisPoints(100.01)).toThrow(RangeError);
    expect(() => basisPoints(1.005)).toThrow(RangeError);
  });

  it('reverses the fee pro rata on the cumulative refunded amount: partial refunds never reverse more than the fee', () => {
    const payment = { amountMinor: 999, feeMinor: 100 };
    const parts = [333, 333, 333];
    let before = 0;
    const reversed = parts.map((r) => {
      const fee = feeReversal(payment, before, r);
      before += r;
      return fee;
    });
    expect(reversed).toEqual([33, 34, 33]);
    expect(reversed.reduce((a, b) => a + b)).toBe(100);
    expect(feeReversal(payment, 0, 999)).toBe(100);
    expect(() => feeReversal(payment, 500, 500)).toThrow(RangeError);
  });
});

describe('journal entries', () => {
  it('a payment entry balances: provider debit, partner and fee credits', () => {
    const entry = paymentEntry(facts(1999, 200), meta);
    expect(entry._id).toBe(`payment:${'a'.repeat(24)}`);
    expect(entry.lines).toEqual([
      { account: 'provider:stripe', amountMinor: 1999 },
      { account: `partner:${'c'.repeat(24)}`, amountMinor: -1799 },
      { account: 'platform:fees', amountMinor: -200 },
    ]);
    expect(balanced(entry)).toBe(true);
  });

  it('refund entries balance, and a full refund in parts undoes the payment exactly', () => {
    const p = facts(1000, 101);
    const entries = [paymentEntry(p, meta)];
    let before = 0;
    for (const [i, r] of [1, 499, 500].entries()) {
      entries.push(refundEntry(p, { providerRefundId: `re_${i}`, amountMinor: r, refundedBefore: before }, meta));
      before += r;
    }
    for (const e of entries) expect(balanced(e)).toBe(true);
    const byAccount = new Map<string, number>();
    for (const line of entries.flatMap((e) => e.lines)) {
      byAccount.set(line.account, (byAccount.get(line.account) ?? 0) + line.amountMinor);
    }
    expect([...byAccount.values()]).toEqual([0, 0, 0]);
  });

  it('balanced() refuses entries that do not sum to zero, fractions, one line, or a bad currency', () => {
    const ok = paymentEntry(facts(100, 10), meta);
    expect(balanced({ ...ok, lines: [...ok.lines, { account: 'x', amountMinor: 1 }] })).toBe(false);
    expect(
      balanced({
        ...ok,
        lines: [
          { account: 'a', amountMinor: 0.5 },
          { account: 'b', amountMinor: -0.5 },
        ],
      }),
    ).toBe(false);
    expect(balanced({ ...ok, lines: [{ account: 'a', amountMinor: 0 }] })).toBe(false);
    expect(balanced({ ...ok, currency: 'eur' })).toBe(false);
    expect(sum(ok.lines)).toBe(0);
  });
});
