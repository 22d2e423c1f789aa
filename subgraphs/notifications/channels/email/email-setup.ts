import type { Config } from '../../../../platform/config/environment.js';
import type { Logger } from '../../../../platform/logger.js';
import { EmailCatcher } from './email-catcher.js';
import type { EmailSettings } from './email.channel.js';

/**
 * The email settings from the config: SMTP_URL when set; otherwise, outside production, a local
 * catcher (EMAIL_CATCHER_SMTP_PORT) whose page (EMAIL_CATCHER_PORT: / and /messages) shows the
 * last messages, so that `npm start` sends email somewhere visible. Production without
 * SMTP_URL has no email channel: email deliveries stay queued until one is configured.
 */
export async function emailFromConfig(
  config: Pick<
    Config,
    | 'SMTP_URL'
    | 'EMAIL_FROM'
    | 'SMTP_TIMEOUT_MS'
    | 'EMAIL_CATCHER_SMTP_PORT'
    | 'EMAIL_CATCHER_PORT'
    | 'EMAIL_CATCHER_KEEP'
    | 'isProduction'
    | 'NODE_ENV'
  >,
  logger: Logger,
): Promise<{ settings: EmailSettings | null; stop: () => Promise<void> }> {
  const base = { from: config.EMAIL_FROM, timeoutMs: config.SMTP_TIMEOUT_MS };
  if (config.SMTP_URL) return { settings: { ...base, smtpUrl: config.SMTP_URL }, stop: async () => undefined };
  if (config.isProduction) {
    logger.warn('SMTP_URL is not set: email deliveries stay queued');
    return { settings: null, stop: async () => undefined };
  }
  const catcher = new EmailCatcher(config.EMAIL_CATCHER_KEEP);
  // Tests run many systems at once: free ports each.
  const test = config.NODE_ENV === 'test';
  const smtpUrl = await catcher.listen(test ? 0 : config.EMAIL_CATCHER_SMTP_PORT);
  const page = await catcher.servePage(test ? 0 : config.EMAIL_CATCHER_PORT);
  logger.info({ smtp: smtpUrl, page }, 'local email catcher listening (the last messages at its page)');
  return { settings: { ...base, smtpUrl }, stop: () => catcher.close() };
}
