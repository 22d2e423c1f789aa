import { createServer } from 'node:net';
import { createLogger } from '../../../../platform/logger.js';
import { smsFromConfig } from './local-sms.js';

const logger = createLogger({ service: 'sms-test', level: 'silent' });
const base = { SMS_PROVIDER_TOKEN: undefined, isProduction: false, NODE_ENV: 'development' as const };

describe('the SMS provider from the config', () => {
  it('starts the local fake outside production, on a free port when SMS_FAKE_PORT is taken, and it takes messages', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as { port: number }).port;
    const sms = await smsFromConfig({ ...base, SMS_PROVIDER_URL: undefined, SMS_FAKE_PORT: taken }, logger);
    try {
      const sent = await sms.provider!.send({ to: '+971500000000', body: 'hello', idempotencyKey: 'k1' });
      expect(sent).toMatchObject({ ok: true });
    } finally {
      await sms.stop();
      blocker.close();
    }
  });

  it('has no SMS provider in production without SMS_PROVIDER_URL (deliveries stay queued)', async () => {
    const sms = await smsFromConfig(
      { ...base, isProduction: true, NODE_ENV: 'production', SMS_PROVIDER_URL: undefined, SMS_FAKE_PORT: 4090 },
      logger,
    );
    expect(sms.provider).toBeNull();
  });
});
