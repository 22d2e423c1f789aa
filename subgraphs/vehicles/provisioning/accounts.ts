import { INTERNAL_SECRET_HEADER } from '../../../platform/auth/viewer.js';
import { ServiceUnavailableError } from '../../../platform/errors.js';
import {
  FLEET_PROVISIONED_ROUTE,
  PROVISION_ACCOUNTS_ROUTE,
  provisionAccountsResponseSchema,
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

/** Identity's internal routes (see subgraphs/identity/contract.ts), behind the internal secret. */
export class HttpAccountDirectory implements AccountDirectory {
  private readonly origin: string;

  constructor(private readonly options: { identityUrl: string; internalSecret: string; timeoutMs?: number }) {
    this.origin = new URL(options.identityUrl).origin;
  }

  async provision(request: ProvisionAccountsRequest): Promise<ProvisionedAccount[]> {
    const body = provisionAccountsResponseSchema.safeParse(await this.post(PROVISION_ACCOUNTS_ROUTE, request));
    if (!body.success || body.data.accounts.length !== request.accounts.length) {
      throw new Error('identity answered the accounts request with an unexpected body');
    }
    return body.data.accounts;
  }

  async recordFleet(entry: FleetProvisionedAudit): Promise<void> {
    await this.post(FLEET_PROVISIONED_ROUTE, entry);
  }

  private async post(path: string, payload: unknown): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`${this.origin}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [INTERNAL_SECRET_HEADER]: this.options.internalSecret },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 8000),
      });
    } catch {
      throw new ServiceUnavailableError('The accounts service is unavailable; try again shortly');
    }
    if (response.status >= 500)
      throw new ServiceUnavailableError('The accounts service is unavailable; try again shortly');
    // Input is validated here before it is sent, so a 400 is a contract break, not the caller's fault.
    if (!response.ok) throw new Error(`identity ${path}: HTTP ${response.status} ${await response.text()}`);
    return response.json();
  }
}
