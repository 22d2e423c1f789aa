import type { PreferenceStore } from '../../preferences/preference.store.js';
import { permanent, retryable, sent, type Channel, type OutboundDelivery, type SendResult } from '../channel.js';
import type { SmsProvider } from './sms-provider.js';

/** SMS's own limit here: one title line and the body, cut at three segments' worth. */
const MAX_SMS_CHARS = 480;

/** SMS: to the number in the user's preferences, through the configured provider. */
export class SmsChannel implements Channel {
  readonly name = 'SMS' as const;

  constructor(
    private readonly provider: SmsProvider,
    private readonly preferences: PreferenceStore,
  ) {}

  async send(delivery: OutboundDelivery): Promise<SendResult> {
    const { smsNumber } = await this.preferences.get(delivery.userId);
    if (!smsNumber) return permanent('no SMS number');
    const { title, text } = delivery.message;
    const body = `${title}\n${text}`.slice(0, MAX_SMS_CHARS);
    const outcome = await this.provider.send({ to: smsNumber, body, idempotencyKey: delivery.id });
    if (outcome.ok) return sent(outcome.id);
    return outcome.retryable ? retryable(outcome.reason, outcome.retryAfterMs) : permanent(outcome.reason);
  }
}
