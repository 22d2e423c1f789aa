import { identityClient } from '../../identity/contract.js';

/** Customers' display names (identity's account-names route), for the customer on an invoice. */
export interface CustomerNames {
  nameOf(userId: string): Promise<string | null>;
}

export class HttpCustomerNames implements CustomerNames {
  private readonly client: ReturnType<typeof identityClient>;

  constructor(options: { identityUrl: string; internalSecret: string; timeoutMs?: number }) {
    this.client = identityClient({
      url: options.identityUrl,
      internalSecret: options.internalSecret,
      timeoutMs: options.timeoutMs ?? 3000,
    });
  }

  async nameOf(userId: string): Promise<string | null> {
    const { accounts } = await this.client.accountNames([userId]);
    return accounts.find((a) => a.userId === userId)?.name ?? null;
  }
}
