import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from '../../../../platform/logger.js';
import { permanent, retryable, sent, type Channel, type OutboundDelivery, type SendResult } from '../channel.js';
import type { EmailDirectory } from './email-directory.js';

export interface EmailSettings {
  /** smtp://user:pass@host:port or smtps://... (the password never reaches the logs). */
  smtpUrl: string;
  /** The From header, `Name <address>`. */
  from: string;
  timeoutMs: number;
}

/**
 * Email through nodemailer over SMTP: the template's text and HTML as multipart/alternative,
 * with a List-Unsubscribe header when the message carries an unsubscribe link (marketing).
 * The Message-ID is the delivery's id, so a resend after a lost answer is recognisably the
 * same message. SMTP down or a 4xx reply: retry (the delivery stays queued with backoff);
 * a 5xx reply (address refused): permanent.
 */
export class EmailChannel implements Channel {
  readonly name = 'EMAIL' as const;
  private readonly transport: Transporter;

  constructor(
    private readonly directory: EmailDirectory,
    private readonly settings: EmailSettings,
    private readonly logger: Logger,
  ) {
    this.transport = nodemailer.createTransport(settings.smtpUrl + '', {
      connectionTimeout: settings.timeoutMs,
      greetingTimeout: settings.timeoutMs,
      socketTimeout: settings.timeoutMs,
    } as never);
  }

  async send(delivery: OutboundDelivery): Promise<SendResult> {
    let to: { email: string; name: string } | null;
    try {
      to = await this.directory.addressOf(delivery.userId);
    } catch (error) {
      return retryable(`account directory unavailable: ${(error as Error).message}`);
    }
    if (!to) return permanent('no email address');
    const { message } = delivery;
    try {
      const info = await this.transport.sendMail({
        from: this.settings.from,
        to: { name: to.name, address: to.email },
        subject: message.title,
        text: message.text,
        html: message.html,
        messageId: `<${delivery.id}@notifications.clutch>`,
        headers: {
          'X-Clutch-Delivery': delivery.id,
          'X-Clutch-Deep-Link': message.deepLink,
          ...(message.unsubscribeUrl ? { 'List-Unsubscribe': `<${message.unsubscribeUrl}>` } : {}),
        },
      });
      return sent(info.messageId);
    } catch (error) {
      const e = error as Error & { code?: string; responseCode?: number };
      const reason = `${e.code ?? 'SMTP'}${e.responseCode ? ` ${e.responseCode}` : ''}: ${e.message}`.slice(0, 300);
      if (e.responseCode && e.responseCode >= 500 && e.responseCode < 600) return permanent(reason);
      this.logger.debug({ deliveryId: delivery.id, code: e.code }, 'email not sent: will retry');
      return retryable(reason);
    }
  }

  async stop(): Promise<void> {
    this.transport.close();
  }
}
