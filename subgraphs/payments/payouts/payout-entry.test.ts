import { balanced } from '../ledger/journal.js';
import { payoutEntry, payoutEntryId } from './payout.service.js';
import { payoutId } from './payout.store.js';
import { connectedAccountOf, transferKey } from './transfer-provider.js';

const CENTRE = 'a'.repeat(24);
const payout = {
  _id: payoutId(CENTRE, 'EUR', 3),
  centreId: CENTRE,
  currency: 'EUR',
  seq: 3,
  amountMinor: 12_345,
  status: 'PENDING' as const,
  providerTransferId: null,
  failureCode: null,
  createdAt: new Date(0),
  updatedAt: new Date(0),
};

describe('a payout', () => {
  it('is one balanced entry: the partner`s liability and the money at the provider both go down', () => {
    const entry = payoutEntry(payout, new Date(1));
    expect(balanced(entry)).toBe(true);
    expect(entry).toMatchObject({
      _id: `payout:${CENTRE}:EUR:3`,
      kind: 'PAYOUT',
      category: 'PAYOUT',
      centreId: CENTRE,
      paymentId: null,
      lines: [
        { account: `partner:${CENTRE}`, amountMinor: 12_345 },
        { account: 'provider:stripe', amountMinor: -12_345 },
      ],
    });
    expect(payoutEntryId(payout._id)).toBe(entry._id);
  });

  it('is keyed from our own ids at the provider, so a retry is the same transfer', () => {
    expect(transferKey(payout._id)).toBe(`tr-${CENTRE}:EUR:3`);
    expect(connectedAccountOf(CENTRE)).toBe(`acct_${CENTRE}`);
  });
});
