import { identityClient, type IdentityStats } from '../../subgraphs/identity/contract.js';

export type { IdentityStats };

export interface IdentityStatsSource {
  fetch(): Promise<IdentityStats | null>;
}

/** Asks identity (the owner of accounts) for its counts; null when it cannot be reached. */
export class HttpIdentityStats implements IdentityStatsSource {
  private readonly identity: ReturnType<typeof identityClient>;

  constructor(identityGraphqlUrl: string, internalSecret: string) {
    this.identity = identityClient({ url: identityGraphqlUrl, internalSecret, timeoutMs: 3000 });
  }

  async fetch(): Promise<IdentityStats | null> {
    try {
      return await this.identity.stats();
    } catch {
      return null;
    }
  }
}
