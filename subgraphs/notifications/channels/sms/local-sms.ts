import type { Config } from '../../../../platform/config/environment.js';
import type { Logger } from '../../../../platform/logger.js';
import { FakeSmsServer } from './fake-sms-server.js';
import { HttpSmsProvider, type SmsProvider } from './sms-provider.js';

/**
 * The SMS provider from the config: SMS_PROVIDER_URL when set; otherwise, outside production,
 * a local fake provider on SMS_FAKE_PORT (GET /messages shows what was "sent"), started with
 * the subgraph so that `npm start` sends SMS somewhere visible. Production without a URL has no
 * SMS channel: SMS deliveries stay queued until one is configured.
 */
export async function smsFromConfig(
  config: Pick<Config, 'SMS_PROVIDER_URL' | 'SMS_PROVIDER_TOKEN' | 'SMS_FAKE_PORT' | 'isProduction' | 'NODE_ENV'>,
  logger: Logger,
): Promise<{ provider: SmsProvider | null; stop: () => Promise<void> }> {
  if (config.SMS_PROVIDER_URL)
    return {
      provider: new HttpSmsProvider({
        url: config.SMS_PROVIDER_URL,
        ...(config.SMS_PROVIDER_TOKEN ? { token: config.SMS_PROVIDER_TOKEN } : {}),
      }),
      stop: async () => undefined,
    };
  if (config.isProduction) {
    logger.warn('SMS_PROVIDER_URL is not set: SMS deliveries stay queued');
    return { provider: null, stop: async () => undefined };
  }
  const fake = new FakeSmsServer();
  // Tests run many systems at once: a free port each. A busy port (a second local system) is no
  // reason to refuse to start: a free one is taken and logged instead.
  const url = await fake.listen(config.NODE_ENV === 'test' ? 0 : config.SMS_FAKE_PORT).catch(async (error) => {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    logger.warn(
      { port: config.SMS_FAKE_PORT },
      'SMS_FAKE_PORT is taken: the local fake SMS provider takes a free port',
    );
    return fake.listen(0);
  });
  logger.info({ url: `${url}/messages` }, 'local fake SMS provider listening');
  return { provider: new HttpSmsProvider({ url }), stop: () => fake.close() };
}
