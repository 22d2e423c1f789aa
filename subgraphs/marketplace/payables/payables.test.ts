import express from 'express';
import { listenLocally } from '../../../test/local-server.js';
import { marketplaceClient, type Payable } from '../contract.js';
import { Payables } from './payables.js';

const order: Payable = {
  kind: 'ORDER',
  id: 'o1',
  customerId: 'alice',
  centreId: 'c1',
  centreMemberIds: ['mechanic'],
  status: 'PENDING_PAYMENT',
  payable: true,
  amountMinor: 2400,
  currency: 'EUR',
  description: 'Parts order o1',
  lines: [{ description: 'Oil filter', quantity: 2, unitAmountMinor: 1200 }],
};

describe('POST /internal/marketplace/payables', () => {
  const payables = new Payables();
  payables.register('ORDER', { resolve: async (id) => (id === 'o1' ? order : null) });
  let server: Awaited<ReturnType<typeof listenLocally>>;
  let client: ReturnType<typeof marketplaceClient>;

  beforeAll(async () => {
    const app = express();
    app.use(express.json());
    const router = express.Router();
    payables.mount(router);
    app.use(router);
    server = await listenLocally(app);
    client = marketplaceClient({ url: server.url, internalSecret: 's' });
  });
  afterAll(() => server.close());

  it("answers with the kind's resolver", async () => {
    expect(await client.payable({ kind: 'ORDER', id: 'o1' })).toEqual(order);
  });

  it('answers 404 NOT_FOUND for an unknown id and for a kind nobody registered', async () => {
    await expect(client.payable({ kind: 'ORDER', id: 'o2' })).rejects.toMatchObject({
      failure: 'refused',
      status: 404,
    });
    await expect(client.payable({ kind: 'ROADSIDE', id: 'r1' })).rejects.toMatchObject({ status: 404 });
  });

  it('refuses a kind registered twice', () => {
    expect(() => payables.register('ORDER', { resolve: async () => null })).toThrow('registered twice');
  });
});
