/**
 * What payments publishes about a payment: its contract's topics and schema, which the consumer
 * parses with, so a payload that breaks it is dead-lettered instead of handled.
 */
export {
  PAYMENT_REFUNDED as PAYMENT_REFUNDED_TOPIC,
  PAYMENT_SUCCEEDED as PAYMENT_SUCCEEDED_TOPIC,
  paymentEventSchema,
  type PaymentEvent,
} from '../../payments/contract.js';
