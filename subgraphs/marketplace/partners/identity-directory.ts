import { InternalCallError } from '../../../platform/http/internal-route.js';
import { accountsClient, type GrantRoleRequest, type IdentityClient } from '../../identity/contract.js';

/** What the marketplace asks identity, which owns accounts and roles (never read here). */
export interface IdentityDirectory {
  /** Grants a role (PARTNER); false when the user had it. Throws UnknownUserError for an unknown user. */
  grantRole(request: GrantRoleRequest): Promise<boolean>;
  /** The id of the account with this email (normalised by identity), or null. */
  userIdByEmail(email: string, actorId: string): Promise<string | null>;
}

export class UnknownUserError extends Error {}

/**
 * Identity's internal routes (subgraphs/identity/contract.ts), behind the internal secret.
 * Identity down or failing is the caller's to retry; any other failure is a contract break.
 */
export class HttpIdentityDirectory implements IdentityDirectory {
  private readonly identity: IdentityClient;

  constructor(options: { identityUrl: string; internalSecret: string; timeoutMs?: number }) {
    this.identity = accountsClient(options);
  }

  async grantRole(request: GrantRoleRequest): Promise<boolean> {
    const answer = await this.identity.grantRole(request);
    if (!answer.found) throw new UnknownUserError(request.userId);
    return answer.granted;
  }

  /** Through the provisioning route's `lookup` mode, which only reads (its `name` is required there, unused). */
  async userIdByEmail(email: string, actorId: string): Promise<string | null> {
    try {
      const { accounts } = await this.identity.provisionAccounts({
        mode: 'lookup',
        actorId,
        accounts: [{ email, name: 'lookup' }],
      });
      return accounts[0]?.userId ?? null;
    } catch (error) {
      // identity refuses an email it cannot read as one (400): no account has it.
      if (error instanceof InternalCallError && error.failure === 'refused' && error.status === 400) return null;
      throw error;
    }
  }
}
