import { InternalCallError } from '../../../platform/http/internal-route.js';
import { marketplaceClient, type Payable } from '../../marketplace/contract.js';
import type { SubjectKind } from '../ledger/journal.js';

export type { Payable };

/**
 * What is owed for an order, a booking or a roadside request: the marketplace owns them and
 * answers `POST /internal/marketplace/payables` (typed in marketplace/contract.ts). Payments
 * takes amounts only from there, never from the client.
 */
export interface Payables {
  /** The subject as the marketplace has it now, or null when it does not know it. */
  payable(kind: SubjectKind, id: string): Promise<Payable | null>;
}

export class HttpPayables implements Payables {
  private readonly client: ReturnType<typeof marketplaceClient>;

  constructor(options: { marketplaceUrl: string; internalSecret: string; timeoutMs?: number }) {
    this.client = marketplaceClient({
      url: options.marketplaceUrl,
      internalSecret: options.internalSecret,
      timeoutMs: options.timeoutMs,
    });
  }

  async payable(kind: SubjectKind, id: string): Promise<Payable | null> {
    try {
      return await this.client.payable({ kind, id });
    } catch (error) {
      if (error instanceof InternalCallError && error.status === 404) return null;
      throw error;
    }
  }
}
