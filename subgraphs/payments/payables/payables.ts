import { z } from 'zod';
import { InternalCallError, InternalClient, internalRoute } from '../../../platform/http/internal-route.js';
import { PAYMENT_SUBJECT_KINDS } from '../contract.js';
import type { SubjectKind } from '../ledger/journal.js';

/**
 * What is owed for an order, a booking or a roadside request: the marketplace owns them and
 * answers `POST /internal/marketplace/payables` (commerce contract). Payments takes amounts
 * only from here, never from the client. The schemas mirror the marketplace's declaration; the
 * response is parsed, so a marketplace that answers otherwise fails loudly here.
 */
export const PAYABLES_ROUTE = '/internal/marketplace/payables';

export const payableRequestSchema = z.object({ kind: z.enum(PAYMENT_SUBJECT_KINDS), id: z.string().min(1).max(64) });
export const payableSchema = z.object({
  kind: z.enum(PAYMENT_SUBJECT_KINDS),
  id: z.string(),
  customerId: z.string(),
  centreId: z.string(),
  centreMemberIds: z.array(z.string()),
  status: z.string(),
  payable: z.boolean(),
  amountMinor: z.number().int(),
  currency: z.string(),
  description: z.string(),
  lines: z.array(z.object({ description: z.string(), quantity: z.number(), unitAmountMinor: z.number().int() })),
});
export type Payable = z.infer<typeof payableSchema>;

const payablesRoute = internalRoute({
  method: 'POST',
  path: PAYABLES_ROUTE,
  request: payableRequestSchema,
  response: payableSchema,
});

export interface Payables {
  /** The subject as the marketplace has it now, or null when it does not know it. */
  payable(kind: SubjectKind, id: string): Promise<Payable | null>;
}

export class HttpPayables implements Payables {
  private readonly client: InternalClient;

  constructor(options: { marketplaceUrl: string; internalSecret: string; timeoutMs?: number }) {
    this.client = new InternalClient({ url: options.marketplaceUrl, internalSecret: options.internalSecret, timeoutMs: options.timeoutMs });
  }

  async payable(kind: SubjectKind, id: string): Promise<Payable | null> {
    try {
      return await this.client.call(payablesRoute, { kind, id });
    } catch (error) {
      if (error instanceof InternalCallError && error.status === 404) return null;
      throw error;
    }
  }
}
