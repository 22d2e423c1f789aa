import { INTERNAL_SECRET_HEADER } from '../../platform/auth/viewer.js';

/** What identity's `POST /internal/stats` answers. */
export interface IdentityStats {
  customers: number;
}

export interface IdentityStatsSource {
  fetch(): Promise<IdentityStats | null>;
}

/** Asks identity (the owner of accounts) for its counts; null when it cannot be reached. */
export class HttpIdentityStats implements IdentityStatsSource {
  private readonly url: string;

  constructor(
    identityGraphqlUrl: string,
    private readonly internalSecret: string,
  ) {
    this.url = `${new URL(identityGraphqlUrl).origin}/internal/stats`;
  }

  async fetch(): Promise<IdentityStats | null> {
    try {
      const response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [INTERNAL_SECRET_HEADER]: this.internalSecret },
        body: '{}',
        signal: AbortSignal.timeout(3000),
      });
      if (!response.ok) return null;
      const body = (await response.json()) as Partial<IdentityStats>;
      return typeof body.customers === 'number' && Number.isFinite(body.customers)
        ? { customers: body.customers }
        : null;
    } catch {
      return null;
    }
  }
}
