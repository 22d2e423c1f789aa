import {
  accountsClient,
  type FleetProvisionedAudit,
  type ProvisionAccountsRequest,
  type ProvisionAccountsResponse,
} from '../../identity/contract.js';

export type ProvisionedAccount = ProvisionAccountsResponse['accounts'][number];

/** Identity's accounts, as fleet provisioning needs them (identity owns users; vehicles never reads them). */
export interface AccountDirectory {
  provision(request: ProvisionAccountsRequest): Promise<ProvisionedAccount[]>;
  recordFleet(entry: FleetProvisionedAudit): Promise<void>;
}

/**
 * Identity's internal routes (see subgraphs/identity/contract.ts), behind the internal secret.
 * Identity down or failing is the caller's to retry. Input is validated here before it is
 * sent, so a refusal (400) or an answer outside the contract is a contract break, not the
 * caller's fault: it stays an error.
 */
export class HttpAccountDirectory implements AccountDirectory {
  private readonly identity: ReturnType<typeof accountsClient>;

  constructor(options: { identityUrl: string; internalSecret: string; timeoutMs?: number }) {
    this.identity = accountsClient(options);
  }

  async provision(request: ProvisionAccountsRequest): Promise<ProvisionedAccount[]> {
    const { accounts } = await this.identity.provisionAccounts(request);
    if (accounts.length !== request.accounts.length) {
      throw new Error('identity answered the accounts request with an unexpected body');
    }
    return accounts;
  }

  async recordFleet(entry: FleetProvisionedAudit): Promise<void> {
    await this.identity.fleetProvisioned(entry);
  }
}
