import { ClutchError, ErrorCode } from '../../../platform/errors.js';

/**
 * Why a payment or refund was refused: a stable `extensions.reason` next to the code, so a
 * client can tell an over-large refund from a second one after a full refund.
 */
export type PaymentRefusal =
  | 'INVALID_INPUT'
  | 'INVALID_AMOUNT'
  | 'REFUND_EXCEEDS_REMAINING'
  | 'CURRENCY_MISMATCH'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'ALREADY_REFUNDED'
  | 'NOT_REFUNDABLE'
  | 'NOT_PAYABLE'
  | 'PAYMENT_IN_PROGRESS';

export const badInput = (
  reason: PaymentRefusal,
  message: string,
  field?: string,
  extra: Record<string, unknown> = {},
) => new ClutchError(message, ErrorCode.BAD_USER_INPUT, { reason, ...(field ? { field } : {}), ...extra });

export const conflict = (reason: PaymentRefusal, message: string) =>
  new ClutchError(message, ErrorCode.CONFLICT, { reason });
