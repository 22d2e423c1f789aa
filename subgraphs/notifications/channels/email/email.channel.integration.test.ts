import { useScratchDatabase } from '../../../../test/scratch-database.js';
import type { NotificationRequest } from '../../dispatch/dispatcher.js';
import { DEFAULT_PREFERENCES } from '../../preferences/policy.js';
import { manualClock, quiet, testPipeline, TEST_SETTINGS } from '../../testing/pipeline-harness.js';
import { EmailCatcher } from './email-catcher.js';
import type { EmailDirectory } from './email-directory.js';
import { EmailChannel } from './email.channel.js';

const db = useScratchDatabase('notifications_email');

const alert = (userId: string, n: number): NotificationRequest => ({
  sourceKey: `alert:e${n}:1:OPEN`,
  userIds: [userId],
  category: 'SAFETY',
  kind: 'ALERT_OPENED',
  severity: 'HIGH',
  foldKey: `alert:ev${n}:coolant-overheat`,
  vars: { alertId: `e${n}`, vehicleId: `ev${n}`, message: 'Coolant at 118 °C', severity: 'HIGH' },
});

/** Addresses by user id, as identity would answer them. */
const directory = (known: Record<string, string>): EmailDirectory => ({
  addressOf: async (userId) => (known[userId] ? { email: known[userId]!, name: `Driver ${userId}` } : null),
});

describe('the email channel over SMTP', () => {
  let catcher: EmailCatcher;
  let smtpUrl: string;
  beforeEach(async () => {
    catcher = new EmailCatcher();
    smtpUrl = await catcher.listen();
  });
  afterEach(() => catcher.close());

  const emailChannel = (known: Record<string, string>) => () =>
    new EmailChannel(
      directory(known),
      { smtpUrl, from: 'Clutch <notifications@clutch.example>', timeoutMs: 2_000 },
      quiet,
    );

  it('sends the template’s text and HTML parts, in English and in Arabic (right to left)', async () => {
    const p = await testPipeline(db(), {
      channels: [emailChannel({ 'u-en': 'en@example.com', 'u-ar': 'ar@example.com' })],
    });
    try {
      await p.preferences.save('u-ar', { ...DEFAULT_PREFERENCES, locale: 'ar' }, new Date(), null);
      const [en] = await p.dispatcher.dispatch(alert('u-en', 1));
      await p.dispatcher.dispatch(alert('u-ar', 2));
      await p.worker.idle();
      expect(catcher.messages).toHaveLength(2);
      const english = catcher.messages.find((m) => m.to.includes('en@example.com'))!;
      const arabic = catcher.messages.find((m) => m.to.includes('ar@example.com'))!;
      const [enDelivery] = await p.deliveries.byUserAndChannel('u-en', 'EMAIL');
      expect(enDelivery!.status).toBe('SENT');
      expect(english.subject).toBe(enDelivery!.message.title);
      expect(english.text).toContain('Coolant at 118 °C');
      // Exactly the rendered template, both parts, through SMTP and MIME encoding and back.
      expect(english.text).toBe(enDelivery!.message.text);
      expect(english.html).toBe(enDelivery!.message.html);
      expect(english.html).toMatch(/<html[^>]*lang="en"/);
      expect(english.html).toContain('Coolant at 118 °C');
      expect(english.headers['message-id']).toBe(`<${enDelivery!._id.toHexString()}@notifications.clutch>`);
      expect(english.headers['x-clutch-deep-link']).toBe('clutch://vehicles/ev1/alerts/e1');
      expect(english.headers['from']).toContain('notifications@clutch.example');
      expect(en!.notificationId).toBeTruthy();

      const [arDelivery] = await p.deliveries.byUserAndChannel('u-ar', 'EMAIL');
      expect(arabic.subject).toBe(arDelivery!.message.title);
      expect(arabic.subject).toMatch(/[\u0600-\u06FF]/);
      expect(arabic.text).toBe(arDelivery!.message.text);
      expect(arabic.html).toBe(arDelivery!.message.html);
      expect(arabic.html).toMatch(/<html[^>]*dir="rtl"/);
      expect(arabic.html).toMatch(/<html[^>]*lang="ar"/);
      expect(arabic.text).toMatch(/[\u0600-\u06FF]/);
    } finally {
      await p.close();
    }
  });

  it('a user without an address: DEAD at once with the reason, nothing sent', async () => {
    const p = await testPipeline(db(), { channels: [emailChannel({})] });
    try {
      await p.dispatcher.dispatch(alert('u-noaddress', 3));
      await p.worker.idle();
      const [delivery] = await p.deliveries.byUserAndChannel('u-noaddress', 'EMAIL');
      expect(delivery).toMatchObject({ status: 'DEAD', lastError: 'no email address' });
      expect(catcher.messages).toHaveLength(0);
    } finally {
      await p.close();
    }
  });

  it('SMTP stopped: the deliveries queue (FAILED, retried); SMTP restarted: each is delivered exactly once', async () => {
    const clock = manualClock();
    const users = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`u-smtp-${i}`, `smtp${i}@example.com`]));
    const p = await testPipeline(db(), {
      clock: clock.now,
      channels: [emailChannel(users)],
      settings: { delivery: { ...TEST_SETTINGS.delivery, maxAttempts: 20 } },
    });
    try {
      await catcher.stopSmtp();
      for (const [i, userId] of Object.keys(users).entries()) await p.dispatcher.dispatch(alert(userId, 10 + i));
      await p.worker.idle();
      for (let i = 0; i < 3; i++) {
        clock.advance(60_000);
        await p.worker.poll();
      }
      const waiting = await Promise.all(Object.keys(users).map((u) => p.deliveries.byUserAndChannel(u, 'EMAIL')));
      expect(waiting.flat().map((d) => d.status)).toEqual(Array(5).fill('FAILED'));
      expect(waiting.flat().every((d) => d.attempts >= 2)).toBe(true);
      expect(waiting.flat()[0]!.lastError).toMatch(/ECONNECTION|ECONNREFUSED|ESOCKET/);
      expect(catcher.messages).toHaveLength(0);

      await catcher.listen(); // same port
      clock.advance(60_000);
      await p.worker.poll();
      await p.worker.idle();
      clock.advance(60_000);
      await p.worker.poll();
      await p.worker.idle();
      const delivered = await Promise.all(Object.keys(users).map((u) => p.deliveries.byUserAndChannel(u, 'EMAIL')));
      expect(delivered.flat().map((d) => d.status)).toEqual(Array(5).fill('SENT'));
      expect(catcher.messages).toHaveLength(5);
      expect(catcher.messages.map((m) => m.to[0]).sort()).toEqual(Object.values(users).sort());
      expect(new Set(catcher.messages.map((m) => m.headers['message-id'])).size).toBe(5);
    } finally {
      await p.close();
    }
  });

  it('the catcher keeps only the last messages and shows them at its page', async () => {
    const small = new EmailCatcher(2);
    const url = await small.listen();
    const page = await small.servePage();
    const p = await testPipeline(db(), {
      channels: [
        () =>
          new EmailChannel(
            directory({ 'u-page': 'page@example.com' }),
            { smtpUrl: url, from: 'Clutch <n@clutch.example>', timeoutMs: 2_000 },
            quiet,
          ),
      ],
    });
    try {
      for (let n = 20; n < 23; n++) await p.dispatcher.dispatch(alert('u-page', n));
      await p.worker.idle();
      expect(small.messages).toHaveLength(2);
      const listed = (await (await fetch(`${page}/messages`)).json()) as { subject: string; html: string }[];
      expect(listed).toHaveLength(2);
      expect(listed[0]!.html).toContain('ev22');
      const html = await (await fetch(`${page}/`)).text();
      expect(html).toContain('Last 2 emails');
      expect(html).not.toContain('<script');
    } finally {
      await p.close();
      await small.close();
    }
  });
});
