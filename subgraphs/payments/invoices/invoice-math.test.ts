import { basisPoints } from '../ledger/accounts.js';
import { creditLines, invoiceLines, priceLine, splitGross, totalsOf } from './invoice-math.js';

const RATE_20 = basisPoints(20);

describe('VAT inside a gross price (one rounding per line, half up on the net)', () => {
  it('splits exact amounts exactly', () => {
    expect(splitGross(12_000, RATE_20)).toEqual({ netMinor: 10_000, vatMinor: 2_000 });
    expect(splitGross(0, RATE_20)).toEqual({ netMinor: 0, vatMinor: 0 });
    expect(splitGross(999, 0)).toEqual({ netMinor: 999, vatMinor: 0 });
  });

  it('rounds the net half up and leaves the VAT as the remainder', () => {
    // 1 / 1.2 = 0.8333 -> net 1, VAT 0; 3 / 1.2 = 2.5 -> net 3 (half up), VAT 0; 5 / 1.2 = 4.1667 -> 4, 1
    expect(splitGross(1, RATE_20)).toEqual({ netMinor: 1, vatMinor: 0 });
    expect(splitGross(3, RATE_20)).toEqual({ netMinor: 3, vatMinor: 0 });
    expect(splitGross(5, RATE_20)).toEqual({ netMinor: 4, vatMinor: 1 });
    // 7.7 %: 1077 / 1.077 = 1000 exactly; 1000 / 1.077 = 928.505 -> 929
    expect(splitGross(1077, basisPoints(7.7))).toEqual({ netMinor: 1000, vatMinor: 77 });
    expect(splitGross(1000, basisPoints(7.7))).toEqual({ netMinor: 929, vatMinor: 71 });
  });

  it('keeps net + VAT = gross on every line, so the totals are the sum charged', () => {
    for (let gross = 0; gross < 2_000; gross += 7) {
      const { netMinor, vatMinor } = splitGross(gross, basisPoints(19));
      expect(netMinor + vatMinor).toBe(gross);
      expect(vatMinor).toBeGreaterThanOrEqual(0);
    }
    const lines = invoiceLines(
      3 * 333 + 2 * 1_001,
      'order',
      [
        { description: 'Filter', quantity: 3, unitAmountMinor: 333 },
        { description: 'Oil 5W30', quantity: 2, unitAmountMinor: 1_001 },
      ],
      RATE_20,
    );
    expect(lines.map((l) => [l.grossMinor, l.netMinor, l.vatMinor])).toEqual([
      [999, 833, 166], // 999 / 1.2 = 832.5 -> 833 (half up)
      [2_002, 1_668, 334], // 2002 / 1.2 = 1668.33 -> 1668
    ]);
    expect(totalsOf(lines)).toEqual({ grossMinor: 3_001, netMinor: 2_501, vatMinor: 500 });
  });

  it('rounds per line, not on the total (documented: the sum of rounded lines)', () => {
    const lines = invoiceLines(6, 'x', [{ description: 'a', quantity: 2, unitAmountMinor: 3 }], RATE_20);
    // One line of 6: 6 / 1.2 = 5 exactly. Two lines of 3 would each be 2.5 -> 3, net 6, VAT 0.
    expect(totalsOf(lines)).toEqual({ grossMinor: 6, netMinor: 5, vatMinor: 1 });
    const two = [1, 2].map(() => priceLine({ description: 'a', quantity: 1, unitAmountMinor: 3 }, RATE_20));
    expect(totalsOf(two)).toEqual({ grossMinor: 6, netMinor: 6, vatMinor: 0 });
  });

  it('falls back to one line for the amount charged when the lines do not add up to it (a deposit)', () => {
    const lines = invoiceLines(
      2_500,
      'Brakes, deposit',
      [{ description: 'Brakes', quantity: 1, unitAmountMinor: 12_000 }],
      RATE_20,
    );
    expect(lines).toEqual([
      {
        description: 'Brakes, deposit',
        quantity: 1,
        unitAmountMinor: 2_500,
        grossMinor: 2_500,
        netMinor: 2_083,
        vatMinor: 417,
      },
    ]);
  });

  it.each([
    ['a zero amount', 0],
    ['a negative amount', -5],
    ['a fraction', 10.5],
    ['a huge amount', 1e15],
  ])('refuses %s', (_name, amount) => {
    expect(() => invoiceLines(amount, 'x', [], RATE_20)).toThrow(RangeError);
  });

  it('refuses bad lines and bad rates', () => {
    expect(() => priceLine({ description: 'x', quantity: 0, unitAmountMinor: 1 }, RATE_20)).toThrow(RangeError);
    expect(() => priceLine({ description: 'x', quantity: 1, unitAmountMinor: -1 }, RATE_20)).toThrow(RangeError);
    expect(() => basisPoints(7.777)).toThrow(RangeError);
    expect(() => basisPoints(-1)).toThrow(RangeError);
  });
});

describe('credit notes', () => {
  const invoice = {
    lines: invoiceLines(3_001, 'o', [{ description: 'a', quantity: 1, unitAmountMinor: 3_001 }], RATE_20),
    grossMinor: 3_001,
  };

  it('reverse the invoice line for line when the whole amount is refunded', () => {
    expect(creditLines(3_001, invoice, 'refund', RATE_20)).toEqual(invoice.lines);
  });

  it('are one line at the invoice rate for a part refund', () => {
    expect(creditLines(1_200, invoice, 'Refund', RATE_20)).toEqual([
      { description: 'Refund', quantity: 1, unitAmountMinor: 1_200, grossMinor: 1_200, netMinor: 1_000, vatMinor: 200 },
    ]);
  });
});
