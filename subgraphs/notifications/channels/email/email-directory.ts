import { identityClient } from '../../../identity/contract.js';

/** Where to email a user: identity owns the address (notifications keeps no copy of it). */
export interface EmailDirectory {
  /** The account's address and name, or null when the account is gone. Throws on an outage. */
  addressOf(userId: string): Promise<{ email: string; name: string } | null>;
}

export class HttpEmailDirectory implements EmailDirectory {
  private readonly identity: ReturnType<typeof identityClient>;

  constructor(options: { identityUrl: string; internalSecret: string }) {
    this.identity = identityClient({ url: options.identityUrl, internalSecret: options.internalSecret });
  }

  async addressOf(userId: string): Promise<{ email: string; name: string } | null> {
    const { accounts } = await this.identity.accountEmails([userId]);
    const account = accounts.find((a) => a.userId === userId);
    return account ? { email: account.email, name: account.name } : null;
  }
}
